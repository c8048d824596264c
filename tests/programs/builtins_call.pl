% Covers: call/1 and call/N with extra arguments appended to a goal, over probabilistic goals.
0.4::p(1).
0.7::p(2).
add(X, Y, Z) :- Z is X + Y.
c1 :- call(p(1)).
c2(Z) :- call(add(1), 2, Z).
c3(Z) :- G = add, call(G, 3, 4, Z).
c4 :- G = p, call(G, 2).
c5 :- G = p(1), call(G), call(p, 2).
query(c1).
query(c2(_)).
query(c3(_)).
query(c4).
query(c5).
