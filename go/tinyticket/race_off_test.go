// SPDX-License-Identifier: MIT

//go:build !race

package tinyticket

const raceEnabled = false
