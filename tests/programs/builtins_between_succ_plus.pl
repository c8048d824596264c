% Covers: between/3 (generating and testing), succ/2 in both directions and plus/3.
0.5::on(X) :- between(1, 3, X).
count_on(N) :- between(0, 3, N), N =:= 0.
any_on :- between(1, 3, X), on(X).
test_between :- between(1, 10, 5).
next(Y) :- succ(3, Y).
prev(X) :- succ(X, 3).
p1(Z) :- plus(2, 3, Z).
p2(Y) :- plus(2, Y, 7).
query(any_on).
query(count_on(_)).
query(test_between).
query(next(_)).
query(prev(_)).
query(p1(_)).
query(p2(_)).
