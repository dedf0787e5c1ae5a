module rt0probe

go 1.19
