package cyclegan4j.nn;

import cyclegan4j.tensor.Tensor;

import java.util.List;

/**
 * Runs its children in order; they are named "0", "1", ... as in torch.nn.Sequential. Each
 * intermediate result is freed as soon as the next layer has run, unless a backward pass needs it
 * (as PyTorch drops it with its last reference): under no-grad, inference holds about two layers.
 */
public final class Sequential extends Module {

    public Sequential(List<? extends Module> layers) {
        for (int i = 0; i < layers.size(); i++) {
            registerModule(Integer.toString(i), layers.get(i));
        }
    }

    public Sequential(Module... layers) {
        this(List.of(layers));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (Module m : children().values()) {
            Tensor next = m.forward(h);
            if (!h.sharesStorageWith(x) && !next.sharesStorageWith(h)) { // never the caller's input
                h.freeIfUnsaved(); // our own intermediate: only a backward pass could want it again
            }
            h = next;
        }
        return h;
    }
}
