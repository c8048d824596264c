% Covers: ground probabilistic facts, deterministic facts, ground queries on facts and on
% simple rules over them.
0.3::rain.
0.6::wind.
sun.
0.25::cold(monday).
0.75::cold(tuesday).
storm :- rain, wind.
chilly :- cold(monday).
chilly :- cold(tuesday).
query(rain).
query(wind).
query(sun).
query(storm).
query(chilly).
query(cold(monday)).
