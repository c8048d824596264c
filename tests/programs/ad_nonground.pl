% Covers: non-ground annotated disjunction facts and AD clauses with a variable shared by all
% heads: one categorical choice per ground instance.
0.5::h(X); 0.5::t(X).
coin(c1).
coin(c2).
0.2::col(X, red); 0.3::col(X, green); 0.5::col(X, blue) :- coin(X).
two_heads :- h(c1), h(c2).
same_col :- col(c1, C), col(c2, C).
query(h(c1)).
query(t(c1)).
query(two_heads).
query(col(c1, red)).
query(col(c2, blue)).
query(same_col).
