% Covers: negation of the heads of an annotated disjunction (including the implicit none), and
% negation in the body of an AD rule.
0.3::r; 0.3::g; 0.3::b.
0.5::light.
not_r :- \+ r.
neither :- \+ r, \+ g.
0.6::day; 0.4::night :- \+ light.
query(not_r).
query(neither).
query(day).
query(night).
