package cyclegan4j.nn;

import cyclegan4j.tensor.Tensor;

import java.util.List;

/** Runs its children in order; they are named "0", "1", ... as in torch.nn.Sequential. */
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
            h = m.forward(h);
        }
        return h;
    }
}
