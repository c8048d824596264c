% Covers: annotated disjunctions as facts whose probabilities sum to exactly 1: the heads are
% mutually exclusive and exactly one holds.
0.2::red; 0.3::green; 0.5::blue.
0.5::heads; 0.5::tails.
warm :- red.
warm :- green, heads.
both :- red, green.
query(red).
query(green).
query(blue).
query(warm).
query(both).
query(tails).
