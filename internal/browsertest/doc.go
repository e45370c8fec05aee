// Package browsertest drives the explorer's page in a headless Chromium
// for the tests of the programs that serve it: Serve runs a program's
// explore command on a free port, Browser opens a browser (or skips the
// test, with a message saying why, when no Chromium is installed;
// DAGGERCHECK_BROWSER=require, as CI sets, turns the skip into a
// failure), and the helpers wait for what the page shows.
package browsertest
