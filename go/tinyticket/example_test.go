// SPDX-License-Identifier: MIT

package tinyticket_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/tiny-ticket/tiny_ticket/go/tinyticket"
)

// The example of go/README.md, run by go test.
func Example() {
	clf, err := tinyticket.Load("../../models/tiny_ticket-default-v6.json") // or LoadBytes(data)
	if err != nil {
		log.Fatal(err) // *tinyticket.Error: errors.Is(err, tinyticket.ErrIO), ErrParse, ErrVersion, ...
	}
	defer clf.Close()
	p, err := clf.Predict("refund nahi mila, paisa wapas karo")
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range p.Heads {
		// The README prints h.Label, h.Confidence and h.Review too; the
		// checked output keeps to what a retrained model cannot change.
		fmt.Printf("%s: %d labels\n", h.Name, len(h.Scores))
	}
	// Output:
	// department: 5 labels
	// sentiment: 3 labels
	// lead_intent: 3 labels
	// churn_risk: 2 labels
	// intent: 15 labels
}

func ExampleLoad_error() {
	_, err := tinyticket.Load("no/such/model.json")
	var e *tinyticket.Error
	fmt.Println(errors.Is(err, tinyticket.ErrIO), errors.As(err, &e) && e.Code == tinyticket.CodeIO)
	_, err = tinyticket.LoadBytes([]byte(`{"format": "tiny_ticket", "version": 999}`))
	fmt.Println(errors.Is(err, tinyticket.ErrVersion))
	// Output:
	// true true
	// true
}
