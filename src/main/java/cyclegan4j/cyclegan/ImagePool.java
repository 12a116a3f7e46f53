package cyclegan4j.cyclegan;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.Buffer;
import cyclegan4j.io.TensorData;
import cyclegan4j.tensor.Scope;
import cyclegan4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
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
    private final List<Slot> images = new ArrayList<>();

    /** A stored image and its [C, H, W]: images differ in size with --preprocess scale_width and none. */
    private record Slot(Buffer data, int[] shape) {
        long size() {
            return (long) shape[0] * shape[1] * shape[2];
        }
    }

    public ImagePool(int capacity, Rng rng) {
        if (capacity < 0) {
            throw new IllegalArgumentException("ImagePool: negative capacity " + capacity);
        }
        this.capacity = capacity;
        this.rng = rng;
    }

    /**
     * Returns a batch as the reference's pool does (a new tensor in the current scope, no graph):
     * of {@code batch}'s shape, except that a batch of one image may come back as a stored image
     * of another size, as the reference's does. A batch of several comes back at its own size: a
     * stored image of another size is replaced, not returned.
     */
    public Tensor pushAndPop(Tensor batch) {
        Backend be = batch.backend();
        int n = batch.dim(0);
        int[] image = {batch.dim(1), batch.dim(2), batch.dim(3)};
        long size = batch.numel() / n;
        Tensor out = null;
        for (int i = 0; i < n; i++) {
            long off = i * size;
            if (images.size() < capacity) {
                images.add(store(be, batch, off, image));
                out = output(be, out, batch, image);
                be.copyRange(out.data(), off, batch.data(), off, size);
            } else if (capacity > 0 && rng.nextDouble() > 0.5) {
                int k = rng.nextInt(capacity);
                Slot old = images.get(k);
                // a batch of several has one size: a stored image of another (kept before a --resume that changed
                // --preprocess) is only replaced, and the new image comes back itself, instead of ending the run
                if (n == 1 || Arrays.equals(old.shape(), image)) {
                    out = output(be, out, batch, old.shape());
                    be.copyRange(out.data(), off, old.data(), 0, old.size());
                } else {
                    out = output(be, out, batch, image);
                    be.copyRange(out.data(), off, batch.data(), off, size);
                }
                replace(be, k, batch, off, image);
            } else {
                out = output(be, out, batch, image);
                be.copyRange(out.data(), off, batch.data(), off, size);
            }
        }
        return out;
    }

    /** Stored image k becomes the image at {@code off} of {@code batch}: in its buffer if the sizes agree, else in a new one. */
    private void replace(Backend be, int k, Tensor batch, long off, int[] image) {
        Slot old = images.get(k);
        if (Arrays.equals(old.shape(), image)) {
            be.copyRange(old.data(), 0, batch.data(), off, old.size());
        } else {
            old.data().close();
            images.set(k, store(be, batch, off, image));
        }
    }

    /** A new slot (owned by the pool, outside every scope) holding the image at {@code off} of {@code batch}. */
    private static Slot store(Backend be, Tensor batch, long off, int[] image) {
        Slot slot;
        try (Scope ignored = Scope.unowned()) {
            slot = new Slot(Scope.allocate(be, (long) image[0] * image[1] * image[2]), image);
        }
        be.copyRange(slot.data(), 0, batch.data(), off, slot.size());
        return slot;
    }

    /**
     * The output, made when its first image is chosen: [1, image] for a batch of one (the image
     * returned may be a stored one of another size); the batch's shape for more.
     */
    private static Tensor output(Backend be, Tensor out, Tensor batch, int[] image) {
        if (batch.dim(0) == 1) {
            return Tensor.empty(be, 1, image[0], image[1], image[2]);
        }
        return out != null ? out : Tensor.empty(be, batch.shape());
    }

    public int size() {
        return images.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Stored image i (for checkpoints). */
    public Buffer image(int i) {
        return images.get(i).data();
    }

    /** Stored image i's [C, H, W] (for checkpoints). */
    public int[] shape(int i) {
        return images.get(i).shape().clone();
    }

    /** Replaces the contents with the given images (each one image's floats and its [C, H, W]), for resuming. */
    public void restore(Backend be, List<TensorData> stored) {
        clear();
        for (TensorData img : stored) {
            if (img.shape().length != 3) {
                throw new IllegalArgumentException("image pool: an image of shape " + Arrays.toString(img.shape()) + ", not [C, H, W]");
            }
            Slot slot;
            try (Scope ignored = Scope.unowned()) {
                slot = new Slot(Scope.allocate(be, img.values().length), img.shape().clone());
            }
            be.upload(slot.data(), img.values());
            images.add(slot);
        }
    }

    private void clear() {
        images.forEach(s -> s.data().close());
        images.clear();
    }

    @Override
    public void close() {
        clear();
    }
}
