set encoding utf8
set grid
set key font ',10'
set terminal svg size 800,500 dynamic enhanced font 'sans,12'
set output 'crossover-map.svg'
set title "Which executor wins: N tasks each wait L, then compute W (cores = 2)\npaler = closer race; hatched = a tie (95% intervals overlap), the tied executors' colours beneath"
set xlabel 'W: compute per task'
set ylabel 'L: wait per task'
set xtics ('0 µs' 0, '100 µs' 1, '1 ms' 2, '10 ms' 3)
set ytics ('0 ms' 0, '1 ms' 1, '10 ms' 2, '100 ms' 3)
unset grid
set xrange [-0.5:3.5]
set yrange [-0.5:3.5]
set key outside top center horizontal
plot 'crossover-map.dat' index 0 using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder lc rgb variable notitle, '' index 1 using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder lc rgb variable notitle, '' index 1 using 1:2:(0.5):(0.5) with boxxyerror fs transparent pattern 4 noborder lc rgb '#b8b8b8' notitle, 'crossover-ties.dat' using 1:2:3:(0.05):4 with boxxyerror fs solid 1.0 noborder lc rgb variable notitle, 'crossover-map.dat' using 1:($2+0.324):4 with labels font ',11' notitle, '' using 1:($2+0.119):5 with labels font ',8' notitle, '' using 1:($2+-0.060):7 with labels font ',8' notitle, '' using 1:($2+-0.239):6 with labels font ',8' notitle, NaN with boxes fs solid lc rgb '#999999' title 'sequential', NaN with boxes fs solid lc rgb '#0072b2' title 'event-loop', NaN with boxes fs solid lc rgb '#e69f00' title 'thread-pool', NaN with boxes fs solid lc rgb '#009e73' title 'openmp', NaN with boxes fs solid lc rgb '#cc79a7' title 'hybrid', NaN with boxes fs pattern 4 border lc rgb '#b8b8b8' lc rgb '#b8b8b8' title 'tie (95% intervals overlap)'
unset output
set terminal pngcairo size 800,500 enhanced font 'sans,10'
set output 'crossover-map.png'
set title "Which executor wins: N tasks each wait L, then compute W (cores = 2)\npaler = closer race; hatched = a tie (95% intervals overlap), the tied executors' colours beneath"
set xlabel 'W: compute per task'
set ylabel 'L: wait per task'
set xtics ('0 µs' 0, '100 µs' 1, '1 ms' 2, '10 ms' 3)
set ytics ('0 ms' 0, '1 ms' 1, '10 ms' 2, '100 ms' 3)
unset grid
set xrange [-0.5:3.5]
set yrange [-0.5:3.5]
set key outside top center horizontal
plot 'crossover-map.dat' index 0 using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder lc rgb variable notitle, '' index 1 using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder lc rgb variable notitle, '' index 1 using 1:2:(0.5):(0.5) with boxxyerror fs transparent pattern 4 noborder lc rgb '#b8b8b8' notitle, 'crossover-ties.dat' using 1:2:3:(0.05):4 with boxxyerror fs solid 1.0 noborder lc rgb variable notitle, 'crossover-map.dat' using 1:($2+0.324):4 with labels font ',11' notitle, '' using 1:($2+0.119):5 with labels font ',8' notitle, '' using 1:($2+-0.060):7 with labels font ',8' notitle, '' using 1:($2+-0.239):6 with labels font ',8' notitle, NaN with boxes fs solid lc rgb '#999999' title 'sequential', NaN with boxes fs solid lc rgb '#0072b2' title 'event-loop', NaN with boxes fs solid lc rgb '#e69f00' title 'thread-pool', NaN with boxes fs solid lc rgb '#009e73' title 'openmp', NaN with boxes fs solid lc rgb '#cc79a7' title 'hybrid', NaN with boxes fs pattern 4 border lc rgb '#b8b8b8' lc rgb '#b8b8b8' title 'tie (95% intervals overlap)'
unset output
