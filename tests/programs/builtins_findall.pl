% Covers: findall/3 over probabilistic goals is evaluated per possible world: each possible
% answer list gets its own probability.
0.3::p(1).
0.6::p(2).
p(3).
all_p(L) :- findall(X, p(X), L).
count_p(N) :- findall(X, p(X), L), length(L, N).
none_q(L) :- findall(X, q(X), L).
q(X) :- fail.
query(all_p(_)).
query(count_p(_)).
query(none_q(_)).
