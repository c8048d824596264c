% Covers: arithmetic over values chosen by annotated disjunctions: comparisons decide which
% worlds satisfy a rule.
0.2::temp(10); 0.5::temp(20); 0.3::temp(30).
0.5::offset(-5); 0.5::offset(5).
hot :- temp(T), offset(O), T + O > 20.
exact(V) :- temp(T), offset(O), V is T + O.
mild :- temp(T), T >= 15, T =< 25.
query(hot).
query(mild).
query(exact(_)).
