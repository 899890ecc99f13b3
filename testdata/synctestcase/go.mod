module synctestcase

go 1.27
