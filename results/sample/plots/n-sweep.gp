set grid
set key font ',9'
set terminal svg size 800,500 dynamic font 'sans,12'
set output 'n-sweep.svg'
set title 'How cost grows: wall time vs number of tasks N (whole process)'
set xlabel 'tasks N'
set ylabel 'seconds'
set logscale xy
set key top left
plot 'n-4-sequential.dat' using 1:2 with linespoints title 'n-sweep: sequential', 'n-4-event-loop.dat' using 1:2 with linespoints title 'n-sweep: event-loop', 'n-4-thread-pool.dat' using 1:2 with linespoints title 'n-sweep: thread-pool', 'n-5-sequential.dat' using 1:2 with linespoints title 'n-sweep-sleep: sequential', 'n-5-event-loop.dat' using 1:2 with linespoints title 'n-sweep-sleep: event-loop', 'n-5-thread-pool.dat' using 1:2 with linespoints title 'n-sweep-sleep: thread-pool'
unset output
set terminal pngcairo size 800,500 font 'sans,10'
set output 'n-sweep.png'
set title 'How cost grows: wall time vs number of tasks N (whole process)'
set xlabel 'tasks N'
set ylabel 'seconds'
set logscale xy
set key top left
plot 'n-4-sequential.dat' using 1:2 with linespoints title 'n-sweep: sequential', 'n-4-event-loop.dat' using 1:2 with linespoints title 'n-sweep: event-loop', 'n-4-thread-pool.dat' using 1:2 with linespoints title 'n-sweep: thread-pool', 'n-5-sequential.dat' using 1:2 with linespoints title 'n-sweep-sleep: sequential', 'n-5-event-loop.dat' using 1:2 with linespoints title 'n-sweep-sleep: event-loop', 'n-5-thread-pool.dat' using 1:2 with linespoints title 'n-sweep-sleep: thread-pool'
unset output
