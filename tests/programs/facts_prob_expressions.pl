% Covers: probabilities written as arithmetic expressions (1/3::a.), evaluated when the
% program is loaded.
1/3::a.
0.5*0.5::b.
1-0.3::c.
2/8::d.
(1+1)/10::e.
0.5**2::f.
ab :- a, b.
query(a).
query(b).
query(c).
query(d).
query(e).
query(f).
query(ab).
