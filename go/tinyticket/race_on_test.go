// SPDX-License-Identifier: MIT

//go:build race

package tinyticket

// The race detector's instrumentation allocates.
const raceEnabled = true
