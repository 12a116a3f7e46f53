package cyclegan4j.io;

import cyclegan4j.backend.Backend;
import cyclegan4j.backend.cpu.CpuBackend;
import cyclegan4j.cyclegan.Discriminator;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.nn.Adam;
import cyclegan4j.nn.Conv2d;
import cyclegan4j.nn.Module;
import cyclegan4j.nn.Sequential;
import cyclegan4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Modules and Adam state through a file and back, and the errors for the wrong architecture. */
class CheckpointsTest {

    @TempDir
    Path dir;

    private final Backend be = CpuBackend.get();

    /** A two-layer network, wrapped so that names are net.0.weight ... as in a PyTorch Sequential. */
    private static final class Net extends Module {
        private final Sequential net;

        Net(Backend be, int hidden, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            net = registerModule("net", new Sequential(new Conv2d(be, 3, hidden, 3, 1, 1, rng), new Conv2d(be, hidden, 2, 1, 1, 0, rng)));
        }

        @Override
        public Tensor forward(Tensor x) {
            return net.forward(x);
        }
    }

    private static void assertSameParameters(Module a, Module b) {
        Map<String, Tensor> pa = a.namedParameters(), pb = b.namedParameters();
        assertEquals(pa.keySet(), pb.keySet());
        for (String k : pa.keySet()) {
            assertArrayEquals(pa.get(k).toArray(), pb.get(k).toArray(), k);
        }
    }

    private void randomGrads(Module m, SplittableRandom rng) {
        for (Tensor p : m.parameters()) {
            float[] g = new float[(int) p.numel()];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) Tensor.gaussian(rng);
            }
            be.upload(p.grad(), g);
        }
    }

    @Test
    void moduleAndAdamRoundTrip() throws Exception {
        Path f = dir.resolve("ck.safetensors");
        try (Net a = new Net(be, 4, 1); Adam optA = new Adam(a.parameters(), 2e-4f, 0.5f, 0.999f)) {
            SplittableRandom rng = new SplittableRandom(9);
            for (int s = 0; s < 3; s++) {
                randomGrads(a, rng);
                optA.step();
            }
            optA.setLr(1.5e-4f);
            Checkpoint ck = new Checkpoint();
            Checkpoints.putModule("G_AB.", a, ck);
            Checkpoints.putAdam("optimizer_G", optA, ck);
            ck.setLong(Checkpoints.EPOCH, 4).setLong(Checkpoints.ITERATION, 1234).setLong(Checkpoints.RNG_STATE, -42L);
            ck.putMetadata(Checkpoints.OPTION_PREFIX, Map.of("lambda_cyc", "10.0"));
            ck.save(f);

            Checkpoint back = Checkpoint.load(f);
            assertTrue(back.hasTensor("G_AB.net.0.weight"));
            assertTrue(back.hasTensor("optimizer_G.state.3.exp_avg_sq"));
            assertEquals("3", back.getString("optimizer_G.step"));
            assertEquals("4", back.getString("optimizer_G.num_params"));
            assertTrue(Checkpoints.hasAdam("optimizer_G", back));
            assertFalse(Checkpoints.hasAdam("optimizer_D_A", back));
            assertEquals(4, back.getInt(Checkpoints.EPOCH));
            assertEquals(1234, back.getLong(Checkpoints.ITERATION));
            assertEquals(-42L, back.getLong(Checkpoints.RNG_STATE));
            assertEquals(Map.of("lambda_cyc", "10.0"), back.metadataWithPrefix(Checkpoints.OPTION_PREFIX));

            try (Net b = new Net(be, 4, 2); Adam optB = new Adam(b.parameters(), 9e-4f, 0.5f, 0.999f)) {
                Checkpoints.loadModule("G_AB.", b, back);
                Checkpoints.loadAdam("optimizer_G", optB, back);
                assertSameParameters(a, b);
                assertEquals(3, optB.stepCount());
                assertEquals(1.5e-4f, optB.lr());
                for (int i = 0; i < optA.params().size(); i++) {
                    assertArrayEquals(be.download(optA.expAvg(i)), be.download(optB.expAvg(i)));
                    assertArrayEquals(be.download(optA.expAvgSq(i)), be.download(optB.expAvgSq(i)));
                }
                // the resumed optimizer continues exactly as the original would have
                randomGrads(a, new SplittableRandom(77));
                randomGrads(b, new SplittableRandom(77));
                optA.step();
                optB.step();
                assertSameParameters(a, b);
            }
        }
    }

    @Test
    void shapeMismatchNamesTheTensorAndBothShapesAndChangesNothing() throws Exception {
        Checkpoint ck = new Checkpoint();
        try (Net small = new Net(be, 4, 1); Net wide = new Net(be, 5, 2)) {
            Checkpoints.putModule("G_AB.", small, ck);
            float[] before = wide.namedParameters().get("net.0.weight").toArray();
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> Checkpoints.loadModule("G_AB.", wide, ck));
            assertEquals("checkpoint: checkpoint for another architecture: tensor 'G_AB.net.0.weight' has shape "
                    + "[4, 3, 3, 3] in the checkpoint but [5, 3, 3, 3] in the model", e.getMessage());
            assertArrayEquals(before, wide.namedParameters().get("net.0.weight").toArray(), "nothing loaded");
        }
    }

    @Test
    void missingAndUnexpectedTensors() throws Exception {
        Path f = dir.resolve("partial.safetensors");
        try (Net a = new Net(be, 4, 1); Net b = new Net(be, 4, 2)) {
            Checkpoint ck = new Checkpoint();
            Checkpoints.putModule("D_A.", a, ck);
            ck.tensors().remove("D_A.net.1.bias");
            ck.save(f);
            Checkpoint back = Checkpoint.load(f);
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> Checkpoints.loadModule("D_A.", b, back));
            assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("'D_A.net.1.bias'") && e.getMessage().contains("missing")
                    && e.getMessage().contains("[2]"), e.getMessage());
            CheckpointFormatException wrongPrefix = assertThrows(CheckpointFormatException.class,
                    () -> Checkpoints.loadModule("D_B.", b, back));
            assertTrue(wrongPrefix.getMessage().contains("'D_B.net.0.weight'"), wrongPrefix.getMessage());

            Checkpoint extra = new Checkpoint();
            Checkpoints.putModule("D_A.", a, extra);
            extra.put("D_A.net.2.weight", new TensorData(new int[]{1}, new float[1]));
            extra.put("D_AB.unrelated", new TensorData(new int[]{1}, new float[1]));
            CheckpointFormatException unexpected = assertThrows(CheckpointFormatException.class,
                    () -> Checkpoints.loadModule("D_A.", b, extra));
            assertTrue(unexpected.getMessage().contains("1 tensor(s) under 'D_A.'")
                    && unexpected.getMessage().contains("'D_A.net.2.weight'"), unexpected.getMessage());
        }
    }

    @Test
    void adamForAnotherArchitecture() throws Exception {
        try (Net a = new Net(be, 4, 1); Net wide = new Net(be, 5, 1);
             Adam optA = new Adam(a.parameters(), 2e-4f, 0.5f, 0.999f);
             Adam optWide = new Adam(wide.parameters(), 2e-4f, 0.5f, 0.999f);
             Adam optFew = new Adam(a.parameters().subList(0, 2), 2e-4f, 0.5f, 0.999f)) {
            Checkpoint ck = new Checkpoint();
            Checkpoints.putAdam("optimizer_D_A", optA, ck);
            CheckpointFormatException shape = assertThrows(CheckpointFormatException.class,
                    () -> Checkpoints.loadAdam("optimizer_D_A", optWide, ck));
            assertTrue(shape.getMessage().contains("'optimizer_D_A.state.0.exp_avg' has shape [4, 3, 3, 3] in the checkpoint but [5, 3, 3, 3]"),
                    shape.getMessage());
            assertEquals(0, optWide.stepCount());
            CheckpointFormatException count = assertThrows(CheckpointFormatException.class,
                    () -> Checkpoints.loadAdam("optimizer_D_A", optFew, ck));
            assertTrue(count.getMessage().contains("4 parameters in the checkpoint but 2 here"), count.getMessage());
            CheckpointFormatException absent = assertThrows(CheckpointFormatException.class,
                    () -> Checkpoints.loadAdam("optimizer_D_B", optA, ck));
            assertTrue(absent.getMessage().contains("optimizer_D_B.num_params"), absent.getMessage());
        }
    }

    /** The four CycleGAN networks and three optimizers (as the reference: G, D_A, D_B) in one file. */
    @Test
    void fullCycleGanCheckpointUsesPyTorchNames() throws Exception {
        Path f = dir.resolve("cyclegan.safetensors");
        SplittableRandom rng = new SplittableRandom(3);
        List<Module> nets = new ArrayList<>();
        try {
            GeneratorResNet gAB = new GeneratorResNet(be, 3, 1, rng);
            nets.add(gAB);
            GeneratorResNet gBA = new GeneratorResNet(be, 3, 1, rng);
            nets.add(gBA);
            Discriminator dA = new Discriminator(be, 3, rng);
            nets.add(dA);
            Discriminator dB = new Discriminator(be, 3, rng);
            nets.add(dB);
            List<Tensor> gParams = new ArrayList<>(gAB.parameters());
            gParams.addAll(gBA.parameters());
            try (Adam optG = new Adam(gParams, 2e-4f, 0.5f, 0.999f);
                 Adam optDA = new Adam(dA.parameters(), 2e-4f, 0.5f, 0.999f);
                 Adam optDB = new Adam(dB.parameters(), 2e-4f, 0.5f, 0.999f)) {
                Checkpoint ck = new Checkpoint();
                Checkpoints.putModule("G_AB.", gAB, ck);
                Checkpoints.putModule("G_BA.", gBA, ck);
                Checkpoints.putModule("D_A.", dA, ck);
                Checkpoints.putModule("D_B.", dB, ck);
                Checkpoints.putAdam("optimizer_G", optG, ck);
                Checkpoints.putAdam("optimizer_D_A", optDA, ck);
                Checkpoints.putAdam("optimizer_D_B", optDB, ck);
                ck.save(f);
            }
            Checkpoint back = Checkpoint.load(f);
            // names as in the reference PyTorch modules' state_dict()
            for (String k : List.of("G_AB.model.1.weight", "G_AB.model.10.block.1.weight", "G_BA.model.1.bias",
                    "D_A.model.0.weight", "D_B.model.0.bias")) {
                assertTrue(back.hasTensor(k), k);
            }
            assertArrayEquals(new int[]{64, 3, 7, 7}, back.tensor("G_AB.model.1.weight").shape());
            assertArrayEquals(new int[]{64, 3, 4, 4}, back.tensor("D_A.model.0.weight").shape());
            assertEquals(Integer.toString(gAB.parameters().size() * 2), back.getString("optimizer_G.num_params"));

            GeneratorResNet other = new GeneratorResNet(be, 3, 1, new SplittableRandom(99));
            nets.add(other);
            Checkpoints.loadModule("G_BA.", other, back);
            assertSameParameters(gBA, other);
            Discriminator otherD = new Discriminator(be, 3, new SplittableRandom(98));
            nets.add(otherD);
            Checkpoints.loadModule("D_B.", otherD, back);
            assertSameParameters(dB, otherD);
            // a generator with more residual blocks is another architecture
            GeneratorResNet deeper = new GeneratorResNet(be, 3, 2, new SplittableRandom(97));
            nets.add(deeper);
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> Checkpoints.loadModule("G_AB.", deeper, back));
            assertTrue(e.getMessage().contains("another architecture"), e.getMessage());
        } finally {
            nets.forEach(Module::close);
        }
    }
}
