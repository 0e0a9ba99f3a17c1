import * as tf from '@tensorflow/tfjs';
import type { NamedTensor } from '../method.js';

/**
 * Base of the trainer's optimizers: per-variable slot variables kept by position (as tfjs'
 * own optimizers do), so getWeights/setWeights round-trip through a checkpoint even when the
 * restoring process gave its variables different names.
 */
export abstract class SlotOptimizer extends tf.Optimizer {
  /** Learning rate of the next update; the training loop sets it from the schedule every step. */
  learningRate: number;
  private slots: tf.Variable[][] = [];

  protected constructor(learningRate: number) {
    super();
    this.learningRate = learningRate;
  }

  /** Names of the slots kept per variable, e.g. ['momentum'] or ['m', 'v']. */
  protected abstract readonly slotNames: readonly string[];

  /** New value of `variable` given its gradient and slots; assigns the slots itself. Runs inside tidy. */
  protected abstract update(variable: tf.Variable, gradient: tf.Tensor, slots: tf.Variable[]): tf.Tensor;

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor] as const)
      : Object.entries(variableGradients);
    const registered = tf.engine().registeredVariables;
    entries.forEach(([name, gradient], i) => {
      const variable = registered[name];
      if (gradient == null || variable === undefined) return;
      if (this.slots[i] === undefined) {
        this.slots[i] = this.slotNames.map(() => tf.tidy(() => tf.zerosLike(variable).variable(false)));
      }
      const slots = this.slots[i];
      tf.tidy(() => {
        variable.assign(this.update(variable, gradient, slots));
      });
    });
    this.incrementIterations();
  }

  override dispose(): void {
    for (const group of this.slots) for (const slot of group) slot.dispose();
    this.slots = [];
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const weights: NamedTensor[] = [await this.saveIterations()];
    this.slots.forEach((group, i) =>
      group.forEach((slot, j) => weights.push({ name: `${i}/${this.slotNames[j]}`, tensor: slot })),
    );
    return weights;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.dispose();
    const per = this.slotNames.length;
    for (let i = 0; i < rest.length / per; i++) {
      this.slots[i] = rest.slice(i * per, (i + 1) * per).map((w) => w.tensor.clone().variable(false));
    }
  }
}

/**
 * Default exclusion from weight decay and trust-ratio adaptation: BN parameters and biases,
 * recognised by name (gamma, beta, bias, batch_norm) or, whatever the naming, by being rank <= 1.
 */
export function excludeBatchNormAndBias(name: string, variable: tf.Variable): boolean {
  return variable.rank <= 1 || /(^|\/)(gamma|beta|bias)$/.test(name) || /batch_?norm/i.test(name);
}

/** Predicate selecting the variables excluded from weight decay (and, for LARS, from adaptation). */
export type ExcludePredicate = (name: string, variable: tf.Variable) => boolean;
