package cyclegan4j.backend.cuda;

/**
 * Every kernel the backend launches: the PTX module (kernels/&lt;module&gt;.cu), the extern "C" name,
 * and the parameter list as one letter per parameter: {@code p} device pointer, {@code l} 64-bit
 * integer (long long), {@code i} 32-bit int, {@code f} float. A CPU test compares this table with
 * the {@code .entry} declarations of the committed PTX, so a kernel signature change that is not
 * mirrored here fails the build without a GPU.
 */
enum KernelSpec {
    LEAKY_RELU_FORWARD("activation", "leaky_relu_forward", "ppfl"),
    LEAKY_RELU_BACKWARD("activation", "leaky_relu_backward", "pppfl"),
    TANH_FORWARD("activation", "tanh_forward", "ppl"),
    TANH_BACKWARD("activation", "tanh_backward", "pppl"),

    ADAM_UPDATE_CHUNKS("adam", "adam_update_chunks", "piffffff"),

    CONV_BIAS_FORWARD("conv_bias", "conv_bias_forward", "ppiiil"),
    CONV_BIAS_BACKWARD("conv_bias", "conv_bias_backward", "ppiil"),

    ADD("elementwise", "add_f32", "pppl"),
    SCALE("elementwise", "scale_f32", "ppfl"),
    AXPY("elementwise", "axpy_f32", "fppl"),
    MEAN_PARTIAL("elementwise", "mean_partial", "ppl"),
    MEAN_FINISH("elementwise", "mean_finish", "ppil"),
    MEAN_BACKWARD("elementwise", "mean_backward", "ppl"),
    ZERO_CHUNKS("elementwise", "zero_chunks", "pi"),
    SUMSQ_CHUNKS_PARTIAL("elementwise", "sumsq_chunks_partial", "ppi"),
    SUM_ACCUMULATE("elementwise", "sum_accumulate", "ppi"),

    INSTANCE_NORM_FORWARD("instance_norm", "instance_norm_forward", "ppppiifif"),
    INSTANCE_NORM_BACKWARD("instance_norm", "instance_norm_backward", "pppppiiif"),
    INSTANCE_NORM_FORWARD_REGS("instance_norm", "instance_norm_forward_regs", "ppppiifif"),
    INSTANCE_NORM_BACKWARD_REGS("instance_norm", "instance_norm_backward_regs", "pppppiiif"),

    MSE_PARTIAL("loss", "mse_partial", "pppl"),
    L1_PARTIAL("loss", "l1_partial", "pppl"),
    LOSS_FINISH("loss", "loss_finish", "ppil"),
    MSE_BACKWARD("loss", "mse_backward", "ppppl"),
    L1_BACKWARD("loss", "l1_backward", "ppppl"),

    REFLECTION_PAD_FORWARD("pad", "reflection_pad_forward", "ppiiiiiii"),
    REFLECTION_PAD_BACKWARD("pad", "reflection_pad_backward", "ppiiiiiii"),
    ZERO_PAD_FORWARD("pad", "zero_pad_forward", "ppiiiiiii"),
    ZERO_PAD_BACKWARD("pad", "zero_pad_backward", "ppiiiiiii"),

    UPSAMPLE_NEAREST_FORWARD("upsample", "upsample_nearest_forward", "ppiiii"),
    UPSAMPLE_NEAREST_BACKWARD("upsample", "upsample_nearest_backward", "ppiiii"),

    UPCONV_PHASE_WEIGHTS("upsample_conv", "upconv_phase_weights", "ppl"),
    UPCONV_FOLD_GRAD("upsample_conv", "upconv_fold_grad", "ppl"),
    UPCONV_INTERLEAVE("upsample_conv", "upconv_interleave", "pppiiiil"),
    UPCONV_DEINTERLEAVE("upsample_conv", "upconv_deinterleave", "ppiiil");

    /** Classpath folder of the committed PTX ({@code make ptx}). */
    static final String PTX_RESOURCE_DIR = "/cyclegan4j/ptx/";

    final String module;
    final String function;
    final String signature;

    KernelSpec(String module, String function, String signature) {
        this.module = module;
        this.function = function;
        this.signature = signature;
    }

    String resource() {
        return PTX_RESOURCE_DIR + module + ".ptx";
    }
}
