% Covers: probabilities taken from body variables (P::coin(X) :- prob(X, P).) and computed by
% arithmetic in the body.
prob(c1, 0.2).
prob(c2, 0.5).
prob(c3, 0.9).
P::coin(X) :- prob(X, P).
bias(d1, 3).
bias(d2, 8).
P::heads(X) :- bias(X, B), P is B / 10.
two :- coin(c1), coin(c2).
any :- heads(d1) ; heads(d2).
query(coin(c1)).
query(coin(c2)).
query(coin(c3)).
query(heads(d1)).
query(heads(d2)).
query(two).
query(any).
