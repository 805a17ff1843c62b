// SPDX-License-Identifier: MIT

package tinyticket

/*
#include <tiny_ticket/c/tiny_ticket.h>
*/
import "C"

import "strconv"

// Code is the machine-readable kind of an Error: the C API's tt_status.
type Code int

// Codes 1..12 mirror tiny_ticket::errc; 100 and above come from the C layer;
// CodeClosed from this package.
const (
	CodeIO             Code = C.TT_ERR_IO
	CodeParse          Code = C.TT_ERR_PARSE
	CodeMissingField   Code = C.TT_ERR_MISSING_FIELD
	CodeType           Code = C.TT_ERR_TYPE
	CodeShape          Code = C.TT_ERR_SHAPE
	CodeValue          Code = C.TT_ERR_VALUE
	CodeVersion        Code = C.TT_ERR_VERSION
	CodeBase64         Code = C.TT_ERR_BASE64
	CodeLimit          Code = C.TT_ERR_LIMIT
	CodeSelfTest       Code = C.TT_ERR_SELF_TEST
	CodeData           Code = C.TT_ERR_DATA
	CodeArgument       Code = C.TT_ERR_ARGUMENT
	CodeNullArgument   Code = C.TT_ERR_NULL_ARGUMENT
	CodeInvalidUTF8    Code = C.TT_ERR_INVALID_UTF8
	CodeOutOfMemory    Code = C.TT_ERR_OUT_OF_MEMORY
	CodeOutOfRange     Code = C.TT_ERR_OUT_OF_RANGE
	CodeBufferTooSmall Code = C.TT_ERR_BUFFER_TOO_SMALL
	CodeInternal       Code = C.TT_ERR_INTERNAL
	CodeClosed         Code = 1000
)

// String is the code's short stable name ("io", "parse", ..., "closed").
func (c Code) String() string {
	if c == CodeClosed {
		return "closed"
	}
	if n := C.GoString(C.tt_status_name(C.tt_status(c))); n != "unknown" {
		return n
	}
	return "code(" + strconv.Itoa(int(c)) + ")"
}

// Error is every error this package returns. Message is the library's, e.g.
// "[tiny_ticket.io] /path/model.json: cannot open file"; it names the file,
// the JSON path or the argument at fault.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "tinyticket: " + e.Code.String()
	}
	return "tinyticket: " + e.Message
}

// Is makes the sentinels below match any Error of their code:
// errors.Is(err, tinyticket.ErrIO).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// Sentinels for errors.Is; each matches every Error with its code.
var (
	ErrIO             = &Error{Code: CodeIO}
	ErrParse          = &Error{Code: CodeParse}
	ErrMissingField   = &Error{Code: CodeMissingField}
	ErrType           = &Error{Code: CodeType}
	ErrShape          = &Error{Code: CodeShape}
	ErrValue          = &Error{Code: CodeValue}
	ErrVersion        = &Error{Code: CodeVersion}
	ErrBase64         = &Error{Code: CodeBase64}
	ErrLimit          = &Error{Code: CodeLimit}
	ErrSelfTest       = &Error{Code: CodeSelfTest}
	ErrData           = &Error{Code: CodeData}
	ErrArgument       = &Error{Code: CodeArgument}
	ErrNullArgument   = &Error{Code: CodeNullArgument}
	ErrInvalidUTF8    = &Error{Code: CodeInvalidUTF8}
	ErrOutOfRange     = &Error{Code: CodeOutOfRange}
	ErrBufferTooSmall = &Error{Code: CodeBufferTooSmall}
	ErrOutOfMemory    = &Error{Code: CodeOutOfMemory}
	ErrInternal       = &Error{Code: CodeInternal}
	ErrClosed         = &Error{Code: CodeClosed, Message: "[tiny_ticket.closed] the classifier is closed"}
)
