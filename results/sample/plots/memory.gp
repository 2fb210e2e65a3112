set encoding utf8
set grid
set key font ',10'
set terminal svg size 800,500 dynamic enhanced font 'sans,12'
set output 'memory.svg'
set title 'Memory held vs tasks N in flight, each waiting L = 10 ms (C6; slope fitted over N ≥ 1000, dashed)'
set xlabel 'tasks N in flight'
set ylabel 'memory held (KiB)'
set logscale xy
set format x '%.0s%c'
set format y '%.0s%c'
set offsets graph 0.03, graph 0.03, 0, 0
set rmargin 4
set key bottom right
plot 'memory-event-loop.dat' using 1:2 with points lc rgb '#0072B2' pt 7 ps 1.2 title 'event-loop (measured)', 'memory-event-loop-fit.dat' using 1:2 with lines dt (8, 6) lw 2 lc rgb '#0072B2' title 'event-loop fit over N ≥ 1000: 0.22 KiB per task', 'memory-thread-pool.dat' using 1:2 with points lc rgb '#E69F00' pt 7 ps 1.2 title 'thread-pool (measured)', 'memory-thread-pool-fit.dat' using 1:2 with lines dt (8, 6) lw 2 lc rgb '#E69F00' title 'thread-pool fit over N ≥ 1000: 9.1 KiB per task'
unset output
set terminal pngcairo size 800,500 enhanced font 'sans,10'
set output 'memory.png'
set title 'Memory held vs tasks N in flight, each waiting L = 10 ms (C6; slope fitted over N ≥ 1000, dashed)'
set xlabel 'tasks N in flight'
set ylabel 'memory held (KiB)'
set logscale xy
set format x '%.0s%c'
set format y '%.0s%c'
set offsets graph 0.03, graph 0.03, 0, 0
set rmargin 4
set key bottom right
plot 'memory-event-loop.dat' using 1:2 with points lc rgb '#0072B2' pt 7 ps 1.2 title 'event-loop (measured)', 'memory-event-loop-fit.dat' using 1:2 with lines dt (8, 6) lw 2 lc rgb '#0072B2' title 'event-loop fit over N ≥ 1000: 0.22 KiB per task', 'memory-thread-pool.dat' using 1:2 with points lc rgb '#E69F00' pt 7 ps 1.2 title 'thread-pool (measured)', 'memory-thread-pool-fit.dat' using 1:2 with lines dt (8, 6) lw 2 lc rgb '#E69F00' title 'thread-pool fit over N ≥ 1000: 9.1 KiB per task'
unset output
