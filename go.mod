module github.com/daggercheck/daggercheck

go 1.26.8
