/** JMH benchmarks of the hot path; they are compiled with the tests and run only by hand. */
package io.walnut.bench;
