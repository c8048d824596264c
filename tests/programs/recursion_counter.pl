% Covers: recursion over integers with is/2 and comparisons (a random walk bounded by a
% counter), deterministic termination with probabilistic choices at each step.
0.5::up(T).
pos(0, 0).
pos(T, P) :- T > 0, T1 is T - 1, pos(T1, P0), up(T1), P is P0 + 1.
pos(T, P) :- T > 0, T1 is T - 1, pos(T1, P0), \+ up(T1), P is P0 - 1.
query(pos(3, _)).
query(pos(4, 0)).
