set encoding utf8
set grid
set key font ',10'
set terminal svg size 800,500 dynamic enhanced font 'sans,12'
set output 'n-sweep.svg'
set title 'How cost grows: in-process wall vs tasks N, L = 10 ms per task (median [95% interval])'
set xlabel 'tasks N'
set ylabel 'in-process wall (ms)'
set logscale xy
set format x '%.0s%c'
set offsets graph 0.03, graph 0.03, 0, 0
set rmargin 4
set key top right
plot 'n-0-event-loop.dat' using 1:2:3:4 with yerrorlines lc rgb '#0072B2' pt 7 ps 0.9 lw 1.5 dt 1 title 'lesson-scale (http): event-loop', 'n-0-thread-pool.dat' using 1:2:3:4 with yerrorlines lc rgb '#E69F00' pt 7 ps 0.9 lw 1.5 dt 1 title 'lesson-scale (http): thread-pool', 'n-1-sequential.dat' using 1:2:3:4 with yerrorlines lc rgb '#999999' pt 5 ps 0.9 lw 1.5 dt 2 title 'n-sweep (http): sequential', 'n-1-event-loop.dat' using 1:2:3:4 with yerrorlines lc rgb '#0072B2' pt 5 ps 0.9 lw 1.5 dt 2 title 'n-sweep (http): event-loop', 'n-1-thread-pool.dat' using 1:2:3:4 with yerrorlines lc rgb '#E69F00' pt 5 ps 0.9 lw 1.5 dt 2 title 'n-sweep (http): thread-pool', 'n-2-sequential.dat' using 1:2:3:4 with yerrorlines lc rgb '#999999' pt 9 ps 0.9 lw 1.5 dt 2 title 'n-sweep-sleep (sleep): sequential', 'n-2-event-loop.dat' using 1:2:3:4 with yerrorlines lc rgb '#0072B2' pt 9 ps 0.9 lw 1.5 dt 2 title 'n-sweep-sleep (sleep): event-loop', 'n-2-thread-pool.dat' using 1:2:3:4 with yerrorlines lc rgb '#E69F00' pt 9 ps 0.9 lw 1.5 dt 2 title 'n-sweep-sleep (sleep): thread-pool'
unset output
set terminal pngcairo size 800,500 enhanced font 'sans,10'
set output 'n-sweep.png'
set title 'How cost grows: in-process wall vs tasks N, L = 10 ms per task (median [95% interval])'
set xlabel 'tasks N'
set ylabel 'in-process wall (ms)'
set logscale xy
set format x '%.0s%c'
set offsets graph 0.03, graph 0.03, 0, 0
set rmargin 4
set key top right
plot 'n-0-event-loop.dat' using 1:2:3:4 with yerrorlines lc rgb '#0072B2' pt 7 ps 0.9 lw 1.5 dt 1 title 'lesson-scale (http): event-loop', 'n-0-thread-pool.dat' using 1:2:3:4 with yerrorlines lc rgb '#E69F00' pt 7 ps 0.9 lw 1.5 dt 1 title 'lesson-scale (http): thread-pool', 'n-1-sequential.dat' using 1:2:3:4 with yerrorlines lc rgb '#999999' pt 5 ps 0.9 lw 1.5 dt 2 title 'n-sweep (http): sequential', 'n-1-event-loop.dat' using 1:2:3:4 with yerrorlines lc rgb '#0072B2' pt 5 ps 0.9 lw 1.5 dt 2 title 'n-sweep (http): event-loop', 'n-1-thread-pool.dat' using 1:2:3:4 with yerrorlines lc rgb '#E69F00' pt 5 ps 0.9 lw 1.5 dt 2 title 'n-sweep (http): thread-pool', 'n-2-sequential.dat' using 1:2:3:4 with yerrorlines lc rgb '#999999' pt 9 ps 0.9 lw 1.5 dt 2 title 'n-sweep-sleep (sleep): sequential', 'n-2-event-loop.dat' using 1:2:3:4 with yerrorlines lc rgb '#0072B2' pt 9 ps 0.9 lw 1.5 dt 2 title 'n-sweep-sleep (sleep): event-loop', 'n-2-thread-pool.dat' using 1:2:3:4 with yerrorlines lc rgb '#E69F00' pt 9 ps 0.9 lw 1.5 dt 2 title 'n-sweep-sleep (sleep): thread-pool'
unset output
