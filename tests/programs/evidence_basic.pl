% Covers: evidence/1 on a probabilistic fact and on a derived atom; queries conditioned on it.
0.3::burglary.
0.2::earthquake.
alarm :- burglary.
alarm :- earthquake.
evidence(alarm).
query(burglary).
query(earthquake).
query(alarm).
