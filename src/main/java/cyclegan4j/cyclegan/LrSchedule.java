package cyclegan4j.cyclegan;

/**
 * The reference's linear decay: the base rate until {@code decayEpoch}, then linearly down to zero
 * at {@code epochs}: lr(e) = base * (1 - max(0, e - decayEpoch) / (epochs - decayEpoch)), e the
 * 0-based epoch (PyTorch-GAN's LambdaLR with offset 0, stepped once per epoch).
 */
public record LrSchedule(float base, int epochs, int decayEpoch) {

    public LrSchedule {
        if (epochs <= 0 || decayEpoch < 0 || decayEpoch >= epochs) {
            throw new IllegalArgumentException("learning-rate schedule needs 0 <= decay-epoch < epochs, got decay-epoch "
                    + decayEpoch + " and epochs " + epochs);
        }
    }

    public float at(int epoch) {
        double factor = 1.0 - Math.max(0, epoch - decayEpoch) / (double) (epochs - decayEpoch);
        return (float) (base * factor);
    }
}
