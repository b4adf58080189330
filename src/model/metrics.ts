/** One row of a calibration table: predictions grouped by decile of the predicted score. */
export interface CalibrationBin {
  decile: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/** Returns the area under the ROC curve (ties count one half); NaN when one class is absent. */
export function computeAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const order = Array.from({ length: labels.length }, (_, i) => i).sort(
    (a, b) => (scores[a] ?? 0) - (scores[b] ?? 0),
  );
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    const value = scores[order[i] ?? 0] ?? 0;
    while (j < order.length && (scores[order[j] ?? 0] ?? 0) === value) {
      j += 1;
    }
    // Tied scores share the mean of their ranks (1-based).
    const meanRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k += 1) {
      if ((labels[order[k] ?? 0] ?? 0) === 1) {
        positives += 1;
        rankSum += meanRank;
      }
    }
    i = j;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) {
    return Number.NaN;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Returns the mean log loss of probabilities (clipped away from 0 and 1). */
export function computeLogLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < labels.length; i += 1) {
    const p = Math.min(Math.max(probabilities[i] ?? 0, 1e-15), 1 - 1e-15);
    total -= (labels[i] ?? 0) === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return total / Math.max(labels.length, 1);
}

/** Returns the mean squared error of probabilities (Brier score). */
export function computeBrierScore(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < labels.length; i += 1) {
    total += ((probabilities[i] ?? 0) - (labels[i] ?? 0)) ** 2;
  }
  return total / Math.max(labels.length, 1);
}

/** Returns the calibration table: rows sorted by predicted score and cut into ten equal groups. */
export function computeCalibration(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
): CalibrationBin[] {
  const order = Array.from({ length: labels.length }, (_, i) => i).sort(
    (a, b) => (probabilities[a] ?? 0) - (probabilities[b] ?? 0) || a - b,
  );
  const table: CalibrationBin[] = [];
  for (let decile = 0; decile < 10; decile += 1) {
    const start = Math.floor((decile * order.length) / 10);
    const end = Math.floor(((decile + 1) * order.length) / 10);
    let predicted = 0;
    let observed = 0;
    for (let k = start; k < end; k += 1) {
      const i = order[k] ?? 0;
      predicted += probabilities[i] ?? 0;
      observed += labels[i] ?? 0;
    }
    const count = end - start;
    table.push({
      decile: decile + 1,
      count,
      meanPredicted: count === 0 ? 0 : predicted / count,
      observedRate: count === 0 ? 0 : observed / count,
    });
  }
  return table;
}
