set encoding utf8
set grid
set key font ',10'
set terminal svg size 800,500 dynamic enhanced font 'sans,12'
set output 'open-loop.svg'
set title 'Open loop (C13): response time vs offered rate, L = 20 ms (median [95% interval])'
set xlabel 'offered rate (tasks/s)'
set ylabel 'response, from arrival (ms)'
set logscale y
set yrange [14.3:*]
set offsets graph 0.03, graph 0.03, 0, 0
set key top left
set arrow from 200, graph 0 to 200, graph 1 nohead dt 3 lc rgb '#404040'
set label 'capacity C/L = 200/s' at 200, graph 0.05 left offset 0.5,0 font ',9'
plot 'openloop-open-loop-event-loop-p50.dat' using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.1 lw 1.5 title 'event-loop p50 (achieved at most 188/s)', 'openloop-open-loop-event-loop-p99.dat' using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 5 ps 1.1 lw 1.5 title 'event-loop p99 (achieved at most 188/s)', 'openloop-open-loop-thread-pool-p50.dat' using 1:2:3:4 with yerrorbars lc rgb '#E69F00' pt 7 ps 1.1 lw 1.5 title 'thread-pool p50 (achieved at most 196/s)', 'openloop-open-loop-thread-pool-p99.dat' using 1:2:3:4 with yerrorbars lc rgb '#E69F00' pt 5 ps 1.1 lw 1.5 title 'thread-pool p99 (achieved at most 196/s)', 'openloop-open-loop-model.dat' using 1:2 with lines lc rgb '#404040' dt 3 lw 1.5 title 'model p50: D/D/4 queue, service L'
unset output
set terminal pngcairo size 800,500 enhanced font 'sans,10'
set output 'open-loop.png'
set title 'Open loop (C13): response time vs offered rate, L = 20 ms (median [95% interval])'
set xlabel 'offered rate (tasks/s)'
set ylabel 'response, from arrival (ms)'
set logscale y
set yrange [14.3:*]
set offsets graph 0.03, graph 0.03, 0, 0
set key top left
set arrow from 200, graph 0 to 200, graph 1 nohead dt 3 lc rgb '#404040'
set label 'capacity C/L = 200/s' at 200, graph 0.05 left offset 0.5,0 font ',9'
plot 'openloop-open-loop-event-loop-p50.dat' using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 7 ps 1.1 lw 1.5 title 'event-loop p50 (achieved at most 188/s)', 'openloop-open-loop-event-loop-p99.dat' using 1:2:3:4 with yerrorbars lc rgb '#0072B2' pt 5 ps 1.1 lw 1.5 title 'event-loop p99 (achieved at most 188/s)', 'openloop-open-loop-thread-pool-p50.dat' using 1:2:3:4 with yerrorbars lc rgb '#E69F00' pt 7 ps 1.1 lw 1.5 title 'thread-pool p50 (achieved at most 196/s)', 'openloop-open-loop-thread-pool-p99.dat' using 1:2:3:4 with yerrorbars lc rgb '#E69F00' pt 5 ps 1.1 lw 1.5 title 'thread-pool p99 (achieved at most 196/s)', 'openloop-open-loop-model.dat' using 1:2 with lines lc rgb '#404040' dt 3 lw 1.5 title 'model p50: D/D/4 queue, service L'
unset output
