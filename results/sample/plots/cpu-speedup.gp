set grid
set key font ',9'
set terminal svg size 800,500 dynamic font 'sans,12'
set output 'cpu-speedup.svg'
set title 'CPU-bound: speed-up over sequential vs threads (in-process wall)'
set xlabel 'threads T'
set ylabel 'speed-up'
set xtics 1
set xrange [0.8:2.2]
set yrange [0:*]
set key top left
plot 'cpu-0-thread-pool.dat' using 1:2 with linespoints title 'matmul-512: thread-pool', 'cpu-0-openmp.dat' using 1:2 with linespoints title 'matmul-512: openmp', 'cpu-1-thread-pool.dat' using 1:2 with linespoints title 'matmul-1536: thread-pool', 'cpu-1-openmp.dat' using 1:2 with linespoints title 'matmul-1536: openmp', 'cpu-ideal.dat' using 1:2 with lines dashtype 2 lc rgb 'gray40' title 'ideal min(T, cores=2)'
unset output
set terminal pngcairo size 800,500 font 'sans,10'
set output 'cpu-speedup.png'
set title 'CPU-bound: speed-up over sequential vs threads (in-process wall)'
set xlabel 'threads T'
set ylabel 'speed-up'
set xtics 1
set xrange [0.8:2.2]
set yrange [0:*]
set key top left
plot 'cpu-0-thread-pool.dat' using 1:2 with linespoints title 'matmul-512: thread-pool', 'cpu-0-openmp.dat' using 1:2 with linespoints title 'matmul-512: openmp', 'cpu-1-thread-pool.dat' using 1:2 with linespoints title 'matmul-1536: thread-pool', 'cpu-1-openmp.dat' using 1:2 with linespoints title 'matmul-1536: openmp', 'cpu-ideal.dat' using 1:2 with lines dashtype 2 lc rgb 'gray40' title 'ideal min(T, cores=2)'
unset output
