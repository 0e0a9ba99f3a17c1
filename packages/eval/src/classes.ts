// Class-count bookkeeping: train, test and a trained probe must agree on the label space.
import { classCountMismatch } from './errors.js';

function maxLabel(labels: Int32Array): { label: number; index: number } {
  let label = -1;
  let index = -1;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] > label) {
      label = labels[i];
      index = i;
    }
  }
  return { label, index };
}

/**
 * The number of classes of a train split (max label + 1, or `numClasses` when given), checked against the
 * test split: a test label outside the train classes, or a train label outside `numClasses`, is an error.
 */
export function resolveClassCount(
  train: { labels: Int32Array; keys?: string[] },
  test?: { labels: Int32Array; keys?: string[] },
  numClasses?: number,
): number {
  const top = maxLabel(train.labels);
  const trainClasses = top.label + 1;
  if (numClasses !== undefined && trainClasses > numClasses) {
    throw classCountMismatch(
      `Train sample ${train.keys?.[top.index] ?? `#${top.index}`} has class ${top.label} but the probe has ${numClasses} classes`,
    );
  }
  const classes = numClasses ?? trainClasses;
  if (test !== undefined) checkLabels(test, classes, 'test split', numClasses === undefined ? 'the train split' : 'the probe');
  return classes;
}

/** Throws ClassCountMismatchError when any label is outside 0..classes-1. */
export function checkLabels(set: { labels: Int32Array; keys?: string[] }, classes: number, what: string, against: string): void {
  const top = maxLabel(set.labels);
  if (top.label >= classes) {
    throw classCountMismatch(
      `The ${what} has class ${top.label} (sample ${set.keys?.[top.index] ?? `#${top.index}`}) but ${against} has ${classes} classes ` +
        `(0..${classes - 1}): train and test must come from the same label space`,
    );
  }
}
