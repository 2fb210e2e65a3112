set grid
set key font ',9'
set terminal svg size 800,500 dynamic font 'sans,12'
set output 'io-cap.svg'
set title 'I/O: wall time vs in-flight cap (in-process wall)'
set xlabel 'cap C (event-loop: --concurrency; thread-pool: threads)'
set ylabel 'seconds'
set logscale xy
set key top right
plot 'io-cap-0-event-loop.dat' using 1:2 with linespoints title 'cap-sweep: event-loop', 'io-cap-0-thread-pool.dat' using 1:2 with linespoints title 'cap-sweep: thread-pool', 'io-cap-1-event-loop.dat' using 1:2 with linespoints title 'cap-sweep-sleep: event-loop', 'io-cap-1-thread-pool.dat' using 1:2 with linespoints title 'cap-sweep-sleep: thread-pool', 'io-cap-0-ideal.dat' using 1:2 with lines dashtype 2 lc rgb 'gray40' title 'cap-sweep: ideal ceil(N/C)*L', 'io-cap-1-ideal.dat' using 1:2 with lines dashtype 2 lc rgb 'gray40' title 'cap-sweep-sleep: ideal ceil(N/C)*L'
unset output
set terminal pngcairo size 800,500 font 'sans,10'
set output 'io-cap.png'
set title 'I/O: wall time vs in-flight cap (in-process wall)'
set xlabel 'cap C (event-loop: --concurrency; thread-pool: threads)'
set ylabel 'seconds'
set logscale xy
set key top right
plot 'io-cap-0-event-loop.dat' using 1:2 with linespoints title 'cap-sweep: event-loop', 'io-cap-0-thread-pool.dat' using 1:2 with linespoints title 'cap-sweep: thread-pool', 'io-cap-1-event-loop.dat' using 1:2 with linespoints title 'cap-sweep-sleep: event-loop', 'io-cap-1-thread-pool.dat' using 1:2 with linespoints title 'cap-sweep-sleep: thread-pool', 'io-cap-0-ideal.dat' using 1:2 with lines dashtype 2 lc rgb 'gray40' title 'cap-sweep: ideal ceil(N/C)*L', 'io-cap-1-ideal.dat' using 1:2 with lines dashtype 2 lc rgb 'gray40' title 'cap-sweep-sleep: ideal ceil(N/C)*L'
unset output
