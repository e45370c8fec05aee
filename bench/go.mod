module github.com/daggercheck/daggercheck/bench

go 1.26

require github.com/daggercheck/daggercheck v0.0.0

replace github.com/daggercheck/daggercheck => ../
