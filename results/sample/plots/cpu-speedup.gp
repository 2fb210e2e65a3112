set encoding utf8
set grid
set key font ',10'
set terminal svg size 800,500 dynamic enhanced font 'sans,12'
set output 'cpu-speedup.svg'
set title 'CPU-bound: speed-up over sequential vs threads T (in-process, median [95% interval])'
set xlabel 'threads T'
set ylabel 'speed-up over sequential (×)'
set xtics 1
set mxtics 1
set xrange [0.5:2.5]
set yrange [0:2.5]
set key top left
plot 'cpu-0-thread-pool.dat' using 1:2:3:4 with yerrorbars lc rgb '#E69F00' pt 7 ps 0.9 lw 1.5 dt 1 title 'matmul (25 tasks, n=1600): thread-pool', 'cpu-0-openmp.dat' using 1:2:3:4 with yerrorbars lc rgb '#009E73' pt 7 ps 0.9 lw 1.5 dt 1 title 'matmul (25 tasks, n=1600): openmp', 'cpu-1-thread-pool.dat' using 1:2:3:4 with yerrorbars lc rgb '#E69F00' pt 5 ps 0.9 lw 1.5 dt 2 title 'spin (100 tasks): thread-pool', 'cpu-1-openmp.dat' using 1:2:3:4 with yerrorbars lc rgb '#009E73' pt 5 ps 0.9 lw 1.5 dt 2 title 'spin (100 tasks): openmp', 'cpu-ideal.dat' using 1:2 with lines dt 2 lw 1.5 lc rgb '#404040' title 'ideal min(T, cores = 2)'
unset output
set terminal pngcairo size 800,500 enhanced font 'sans,10'
set output 'cpu-speedup.png'
set title 'CPU-bound: speed-up over sequential vs threads T (in-process, median [95% interval])'
set xlabel 'threads T'
set ylabel 'speed-up over sequential (×)'
set xtics 1
set mxtics 1
set xrange [0.5:2.5]
set yrange [0:2.5]
set key top left
plot 'cpu-0-thread-pool.dat' using 1:2:3:4 with yerrorbars lc rgb '#E69F00' pt 7 ps 0.9 lw 1.5 dt 1 title 'matmul (25 tasks, n=1600): thread-pool', 'cpu-0-openmp.dat' using 1:2:3:4 with yerrorbars lc rgb '#009E73' pt 7 ps 0.9 lw 1.5 dt 1 title 'matmul (25 tasks, n=1600): openmp', 'cpu-1-thread-pool.dat' using 1:2:3:4 with yerrorbars lc rgb '#E69F00' pt 5 ps 0.9 lw 1.5 dt 2 title 'spin (100 tasks): thread-pool', 'cpu-1-openmp.dat' using 1:2:3:4 with yerrorbars lc rgb '#009E73' pt 5 ps 0.9 lw 1.5 dt 2 title 'spin (100 tasks): openmp', 'cpu-ideal.dat' using 1:2 with lines dt 2 lw 1.5 lc rgb '#404040' title 'ideal min(T, cores = 2)'
unset output
