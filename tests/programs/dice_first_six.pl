% Covers: a sequence of dice rolls until the first six (bounded), recursion with arithmetic on
% the roll index, and a non-ground query over the index.
1/6::six(N); 5/6::other(N) :- between(1, 4, N).
first_six(N) :- between(1, 4, N), six(N), \+ earlier_six(N).
earlier_six(N) :- N1 is N - 1, between(1, N1, M), six(M).
no_six :- \+ first_six(_).
query(first_six(_)).
query(no_six).
