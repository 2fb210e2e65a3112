set grid
set key font ',9'
set terminal svg size 800,500 dynamic font 'sans,12'
set output 'crossover-map.svg'
set title 'Which executor wins: each task waits L, then computes W (cores = 2; paler = closer race)'
set xlabel 'W: compute per task'
set ylabel 'L: wait per task'
set xtics ('0 us' 0, '10 us' 1, '100 us' 2, '1 ms' 3, '10 ms' 4)
set ytics ('0 ms' 0, '1 ms' 1, '10 ms' 2, '100 ms' 3)
unset grid
set xrange [-0.5:4.5]
set yrange [-0.5:3.5]
set key outside top center horizontal
set style fill solid 1.0 noborder
plot 'crossover-map.dat' using 1:2:(0.5):(0.5):3 with boxxyerror lc rgb variable notitle, '' using 1:($2+0.15):4 with labels font ',11' notitle, '' using 1:($2-0.07):5 with labels font ',8' notitle, '' using 1:($2-0.25):6 with labels font ',8' notitle, NaN with boxes fs solid lc rgb '#999999' title 'sequential', NaN with boxes fs solid lc rgb '#0072b2' title 'event-loop', NaN with boxes fs solid lc rgb '#e69f00' title 'thread-pool', NaN with boxes fs solid lc rgb '#009e73' title 'openmp', NaN with boxes fs solid lc rgb '#cc79a7' title 'hybrid'
unset output
set terminal pngcairo size 800,500 font 'sans,10'
set output 'crossover-map.png'
set title 'Which executor wins: each task waits L, then computes W (cores = 2; paler = closer race)'
set xlabel 'W: compute per task'
set ylabel 'L: wait per task'
set xtics ('0 us' 0, '10 us' 1, '100 us' 2, '1 ms' 3, '10 ms' 4)
set ytics ('0 ms' 0, '1 ms' 1, '10 ms' 2, '100 ms' 3)
unset grid
set xrange [-0.5:4.5]
set yrange [-0.5:3.5]
set key outside top center horizontal
set style fill solid 1.0 noborder
plot 'crossover-map.dat' using 1:2:(0.5):(0.5):3 with boxxyerror lc rgb variable notitle, '' using 1:($2+0.15):4 with labels font ',11' notitle, '' using 1:($2-0.07):5 with labels font ',8' notitle, '' using 1:($2-0.25):6 with labels font ',8' notitle, NaN with boxes fs solid lc rgb '#999999' title 'sequential', NaN with boxes fs solid lc rgb '#0072b2' title 'event-loop', NaN with boxes fs solid lc rgb '#e69f00' title 'thread-pool', NaN with boxes fs solid lc rgb '#009e73' title 'openmp', NaN with boxes fs solid lc rgb '#cc79a7' title 'hybrid'
unset output
