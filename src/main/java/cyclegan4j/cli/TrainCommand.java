package cyclegan4j.cli;

import cyclegan4j.cyclegan.Discriminator;
import cyclegan4j.cyclegan.GeneratorResNet;
import cyclegan4j.cyclegan.GeneratorResNet.Upsampling;
import cyclegan4j.data.DataOptions.Preprocess;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** `cyclegan4j train`: options as the reference's, defaults as the reference's. */
final class TrainCommand {

    private TrainCommand() {
    }

    static CommandLineSpec spec() {
        return new CommandLineSpec("train", "Train a CycleGAN on DIR/trainA and DIR/trainB (unpaired images).")
                .value("dataroot", "DIR", "dataset root with trainA/ and trainB/, or PyTorch-GAN's train/A/ and train/B/ (required;"
                        + " with --resume, the run's)")
                .value("name", "NAME", "run name; output goes to OUT/NAME (required)")
                .value("out", "OUT", "output folder (default: runs)")
                .value("epochs", "N", "number of epochs (default: 200)")
                .value("decay-epoch", "N", "epoch from which the learning rate decays linearly to 0 (default: half of --epochs)")
                .value("batch-size", "N", "images per domain per step (default: 1)")
                .value("lr", "RATE", "Adam learning rate (default: 0.0002)")
                .value("beta1", "B", "Adam beta1 (default: 0.5)")
                .value("beta2", "B", "Adam beta2 (default: 0.999)")
                .value("lambda-cyc", "W", "cycle loss weight (default: 10)")
                .value("lambda-id", "W", "identity loss weight; 0 disables the identity pass (default: 5)")
                .value("n-residual-blocks", "N", "residual blocks in each generator (default: 9)")
                .value("upsampling", "HOW", "the generators' u128 and u64: nearest (2x nearest + 3x3 conv, as PyTorch-GAN) or "
                        + "transposed (stride-2 transposed conv, as the paper and its authors' code) (default: nearest)")
                .value("discriminator", "KIND", "pytorch-gan (4 stride-2 blocks, 94x94 patches, as PyTorch-GAN) or patch70 "
                        + "(the paper's 70x70 PatchGAN, as its authors' code) (default: pytorch-gan)")
                .value("ngf", "N", "filters in each generator's first layer; the other layers scale with it "
                        + "(default: 64, as the paper; 32 or 16 give smaller, faster models)")
                .value("ndf", "N", "filters in each discriminator's first layer; the other layers scale with it (default: 64)")
                .value("channels", "C", "image channels, 3 or 1 (default: 3)")
                .value("load-size", "PX", "resize images to this size first (a square's side, a width or a shorter side, as"
                        + " --preprocess says) (default: crop-size * 1.12)")
                .value("crop-size", "PX", "random crop size, a multiple of 4, >= 32 (default: 256)")
                .value("preprocess", "MODE", "before the random crop: resize_and_crop (to a load-size square), "
                        + "scale_width_and_crop (to width load-size, aspect kept), scale_shortside_and_crop (the shorter "
                        + "side to load-size, aspect kept, as PyTorch-GAN), crop (at each image's own size; "
                        + "smaller images are skipped); or no crop, whole images of their own sizes, sides rounded to multiples "
                        + "of 4: scale_width (to width load-size) or none (as they are; at least 32x32); with batches of one"
                        + " unless all images have one size (default: resize_and_crop)")
                .flag("no-flip", "no random horizontal flips")
                .value("device", "DEV", "auto, cpu, cuda or cuda:N (GPU number N) (default: auto)")
                .value("seed", "N", "random seed (default: 0)")
                .value("sample-every", "N", "write a sample grid every N iterations; 0 = never (default: 100)")
                .value("checkpoint-every", "N", "also keep a checkpoint every N iterations; 0 = only 'latest' (default: 0)")
                .value("autosave-minutes", "M", "also rewrite 'latest' when M minutes have passed since it was last "
                        + "written, so that a crash loses at most that; 0 = only at epoch ends (default: 10)")
                .value("max-steps", "N", "stop after N iterations in total (smoke runs); 0 = no limit (default: 0)")
                .value("pool-size", "N", "history pool size per domain (default: 50)")
                .value("workers", "N", "image loading threads (default: 2)")
                .value("cache-mb", "MB", "memory for the resized training images, kept so that later epochs decode and resize "
                        + "none of them; 0 = keep none; at most half the Java heap (default: auto, a quarter of it, 2048 under the"
                        + " launcher's -Xmx8g)")
                .flag("resume", "continue from OUT/NAME/checkpoints/latest.safetensors, with the options it was trained with "
                        + "(those given here win: the schedule may change, the architecture may not)")
                .value("init-from", "FILE", "start a new run from the networks a checkpoint or export holds (fine-tuning, e.g. "
                        + "a converted authors' generator); the others start fresh; the architecture options must match it");
    }

    /**
     * The options as given; with --resume, those not given are the checkpoint's (its architecture,
     * data and schedule), so that `--name N --resume` continues the run as it was started.
     */
    static TrainOptions parse(CommandLineSpec c) {
        String name = c.required("name");
        Path out = Path.of(c.string("out", "runs"));
        ResumeDefaults saved = c.has("resume") ? ResumeDefaults.read(Trainer.latest(out, name)) : ResumeDefaults.NONE;
        Path dataroot = c.has("dataroot") || !saved.options().containsKey("dataroot") ? c.path("dataroot")
                : Path.of(saved.string("dataroot", null));
        int epochs = c.integer("epochs", saved.integer("epochs", 200));
        int crop = c.integer("crop-size", saved.integer("crop_size", 256));
        int decayEpoch = c.integer("decay-epoch", saved.integer("decay_epoch", epochs / 2));
        if (!c.has("decay-epoch") && saved.options().containsKey("decay_epoch") && epochs > 0 && decayEpoch >= epochs) {
            throw new UsageException("--epochs " + epochs + " ends before the checkpoint's --decay-epoch " + decayEpoch
                    + ": pass a --decay-epoch below " + epochs + " too");
        }
        // the checkpoint's load size only where it still fits the crop: a new --crop-size is then refused by name, not as a load size
        int savedLoad = saved.integer("load_size", (int) (crop * 1.12));
        TrainOptions options = new TrainOptions(
                dataroot, name, out,
                epochs, decayEpoch,
                c.integer("batch-size", saved.integer("batch_size", 1)),
                c.real("lr", saved.real("lr", 2e-4f)), c.real("beta1", saved.real("beta1", 0.5f)),
                c.real("beta2", saved.real("beta2", 0.999f)),
                c.real("lambda-cyc", saved.real("lambda_cyc", 10f)), c.real("lambda-id", saved.real("lambda_id", 5f)),
                c.integer("n-residual-blocks", saved.integer("n_residual_blocks", 9)),
                c.choice("upsampling", saved.string("upsampling", "nearest"), Upsampling::parse),
                c.choice("discriminator", saved.string("discriminator", "pytorch-gan"), Discriminator.Layout::parse),
                c.integer("ngf", saved.integer("ngf", GeneratorResNet.DEFAULT_WIDTH)),
                c.integer("ndf", saved.integer("ndf", Discriminator.DEFAULT_WIDTH)),
                c.integer("channels", saved.integer("channels", 3)),
                c.integer("load-size", savedLoad >= crop ? savedLoad : (int) (crop * 1.12)), crop,
                c.choice("preprocess", saved.string("preprocess", "resize_and_crop"), Preprocess::parse),
                !c.has("no-flip") && saved.bool("flip", true),
                c.string("device", "auto"), c.longValue("seed", saved.longValue("seed", 0)),
                c.integer("sample-every", saved.integer("sample_every", 100)), c.integer("checkpoint-every", saved.integer("checkpoint_every", 0)),
                c.real("autosave-minutes", saved.real("autosave_minutes", 10f)), c.longValue("max-steps", 0), c.has("resume"),
                c.has("init-from") ? c.existingFile("init-from") : null,
                c.integer("pool-size", saved.integer("pool_size", 50)), c.integer("workers", saved.integer("workers", 2)),
                TrainOptions.cacheMb(c.string("cache-mb", saved.string("cache_mb", "auto"))));
        if (Files.exists(dataroot) && !Files.isDirectory(dataroot)) { // an image or an archive, given for its folder
            throw new UsageException("--dataroot: " + dataroot + " is a file, not a folder: give the folder that holds trainA/ and trainB/");
        }
        if (!Files.isDirectory(dataroot)) { // after the options' own checks, so that those are reported first
            throw new UsageException("--dataroot: no such folder " + dataroot + (c.has("dataroot") ? ""
                    : " (the checkpoint's; if the data moved, pass --dataroot with its new place)"));
        }
        return options;
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        CommandLineSpec c = spec();
        if (!c.parse(args, out)) {
            return Main.OK;
        }
        TrainOptions options = parse(c);
        return switch (new Trainer(options, out, err).run()) {
            case FINISHED, MAX_STEPS -> Main.OK;
            case STOPPED -> Trainer.INTERRUPTED;
            case DIVERGED -> Main.FAILED;
        };
    }
}
