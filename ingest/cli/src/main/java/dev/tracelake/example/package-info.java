/**
 * A runnable example of a production ML service writing to Tracelake with the Java client:
 * features, then predictions that cite the feature records they were computed from. See {@link
 * dev.tracelake.example.ExampleProducer}.
 */
package dev.tracelake.example;
