module example.invalid/compat

go 1.19
