module github.com/tiny-ticket/tiny_ticket/go/tinyticket

go 1.21
