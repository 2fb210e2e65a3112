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
set key top left
plot 'memory-event-loop.dat' using 1:2 with linespoints lc rgb '#0072B2' pt 7 lw 1.5 title 'event-loop: 0.22 KiB per task', 'memory-event-loop-fit.dat' using 1:2 with lines dt 2 lc rgb '#0072B2' notitle, 'memory-thread-pool.dat' using 1:2 with linespoints lc rgb '#E69F00' pt 7 lw 1.5 title 'thread-pool: 9.1 KiB per task', 'memory-thread-pool-fit.dat' using 1:2 with lines dt 2 lc rgb '#E69F00' notitle
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
set key top left
plot 'memory-event-loop.dat' using 1:2 with linespoints lc rgb '#0072B2' pt 7 lw 1.5 title 'event-loop: 0.22 KiB per task', 'memory-event-loop-fit.dat' using 1:2 with lines dt 2 lc rgb '#0072B2' notitle, 'memory-thread-pool.dat' using 1:2 with linespoints lc rgb '#E69F00' pt 7 lw 1.5 title 'thread-pool: 9.1 KiB per task', 'memory-thread-pool-fit.dat' using 1:2 with lines dt 2 lc rgb '#E69F00' notitle
unset output
