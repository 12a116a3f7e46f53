package cyclegan4j.cyclegan;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The history of generated images the discriminators train on (Shrivastava et al. 2017), with the
 * reference's semantics (PyTorch-GAN's ReplayBuffer.push_and_pop), image by image: while the pool
 * holds fewer than {@code capacity} images, store the new image and return it; afterwards, with
 * probability 1/2 return a random stored image and store the new one in its place, else return
 * the new image. Stored images are owned by the pool (they outlive each step's scope).
 */
public final class ImagePool implements AutoCloseable {

    private final int capacity;
    private final Rng rng;
    private final List<Buffer> images = new ArrayList<>();

    public ImagePool(int capacity, Rng rng) {
        if (capacity < 0) {
            throw new IllegalArgumentException("ImagePool: negative capacity " + capacity);
        }
        this.capacity = capacity;
        this.rng = rng;
    }

    /** Returns a batch of the same shape as {@code batch} (a new tensor in the current scope, no graph). */
    public Tensor pushAndPop(Tensor batch) {
        Backend be = batch.backend();
        int n = batch.dim(0);
        long size = batch.numel() / n;
        Tensor out = Tensor.empty(be, batch.shape());
        for (int i = 0; i < n; i++) {
            long off = i * size;
            if (images.size() < capacity) {
                Buffer slot;
                try (Scope ignored = Scope.unowned()) {
                    slot = Scope.allocate(be, size);
                }
                be.copyRange(slot, 0, batch.data(), off, size);
                images.add(slot);
                be.copyRange(out.data(), off, batch.data(), off, size);
            } else if (capacity > 0 && rng.nextDouble() > 0.5) {
                Buffer slot = images.get(rng.nextInt(capacity));
                be.copyRange(out.data(), off, slot, 0, size);
                be.copyRange(slot, 0, batch.data(), off, size);
            } else {
                be.copyRange(out.data(), off, batch.data(), off, size);
            }
        }
        return out;
    }

    public int size() {
        return images.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Stored image i (for checkpoints). */
    public Buffer image(int i) {
        return images.get(i);
    }

    /** Replaces the contents with the given images (each one image's floats), for resuming. */
    public void restore(Backend be, List<float[]> stored) {
        clear();
        for (float[] img : stored) {
            Buffer slot;
            try (Scope ignored = Scope.unowned()) {
                slot = Scope.allocate(be, img.length);
            }
            be.upload(slot, img);
            images.add(slot);
        }
    }

    private void clear() {
        images.forEach(Buffer::close);
        images.clear();
    }

    @Override
    public void close() {
        clear();
    }
}
