% Unbounded recursion through arithmetic: count(0), count(1), ... never ends.
% expect: LimitExceededError
0.5::a.
count(N) :- a, N1 is N + 1, count(N1).
query(count(0)).
