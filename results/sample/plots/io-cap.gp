set encoding utf8
set grid
set key font ',10'
set terminal svg size 800,500 dynamic enhanced font 'sans,12'
set output 'io-cap.svg'
set title 'I/O: wall time vs in-flight cap C (in-process, median [95% interval])'
set xlabel 'cap C (event-loop: --concurrency; thread-pool: threads)'
set ylabel 'in-process wall (ms)'
set logscale xy
set key top right
plot 'io-cap-0-event-loop.dat' using 1:2:3:4 with yerrorlines lc rgb '#0072B2' pt 7 ps 0.9 lw 1.5 dt 1 title 'cap-sweep: event-loop', 'io-cap-0-thread-pool.dat' using 1:2:3:4 with yerrorlines lc rgb '#E69F00' pt 7 ps 0.9 lw 1.5 dt 1 title 'cap-sweep: thread-pool', 'io-cap-1-event-loop.dat' using 1:2:3:4 with yerrorlines lc rgb '#0072B2' pt 5 ps 0.9 lw 1.5 dt 2 title 'cap-sweep-sleep: event-loop', 'io-cap-1-thread-pool.dat' using 1:2:3:4 with yerrorlines lc rgb '#E69F00' pt 5 ps 0.9 lw 1.5 dt 2 title 'cap-sweep-sleep: thread-pool', 'io-cap-0-ideal.dat' using 1:2 with lines dt 2 lw 1.5 lc rgb '#404040' title 'cap-sweep ideal ⌈N/C⌉·L (N=100, L=20 ms)', 'io-cap-1-ideal.dat' using 1:2 with lines dt 4 lw 1.5 lc rgb '#8c8c8c' title 'cap-sweep-sleep ideal ⌈N/C⌉·L (N=100, L=10 ms)'
unset output
set terminal pngcairo size 800,500 enhanced font 'sans,10'
set output 'io-cap.png'
set title 'I/O: wall time vs in-flight cap C (in-process, median [95% interval])'
set xlabel 'cap C (event-loop: --concurrency; thread-pool: threads)'
set ylabel 'in-process wall (ms)'
set logscale xy
set key top right
plot 'io-cap-0-event-loop.dat' using 1:2:3:4 with yerrorlines lc rgb '#0072B2' pt 7 ps 0.9 lw 1.5 dt 1 title 'cap-sweep: event-loop', 'io-cap-0-thread-pool.dat' using 1:2:3:4 with yerrorlines lc rgb '#E69F00' pt 7 ps 0.9 lw 1.5 dt 1 title 'cap-sweep: thread-pool', 'io-cap-1-event-loop.dat' using 1:2:3:4 with yerrorlines lc rgb '#0072B2' pt 5 ps 0.9 lw 1.5 dt 2 title 'cap-sweep-sleep: event-loop', 'io-cap-1-thread-pool.dat' using 1:2:3:4 with yerrorlines lc rgb '#E69F00' pt 5 ps 0.9 lw 1.5 dt 2 title 'cap-sweep-sleep: thread-pool', 'io-cap-0-ideal.dat' using 1:2 with lines dt 2 lw 1.5 lc rgb '#404040' title 'cap-sweep ideal ⌈N/C⌉·L (N=100, L=20 ms)', 'io-cap-1-ideal.dat' using 1:2 with lines dt 4 lw 1.5 lc rgb '#8c8c8c' title 'cap-sweep-sleep ideal ⌈N/C⌉·L (N=100, L=10 ms)'
unset output
