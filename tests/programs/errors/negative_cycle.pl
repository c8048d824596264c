% A cycle through negation (a depends on not b, b on not a), relevant to the query.
% Either negation closing the cycle is an acceptable location.
% expect: NegativeCycleError at 4:6|5:6
a :- \+ b.
b :- \+ a.
query(a).
