/**
 * Operator names by domain, for telling a typo or a custom op from a real one before any work starts.
 * ai.onnx: every operator of opsets 1–21 (onnx/docs/Operators.md), deprecated ones included since old
 * models still carry them.
 */
export const AI_ONNX_OPS: ReadonlySet<string> = new Set(
  `Abs Acos Acosh Add AffineGrid And ArgMax ArgMin Asin Asinh Atan Atanh AveragePool BatchNormalization
  Bernoulli BitShift BitwiseAnd BitwiseNot BitwiseOr BitwiseXor BlackmanWindow Cast CastLike Ceil Celu
  CenterCropPad Clip Col2Im Compress Concat ConcatFromSequence Constant ConstantOfShape Conv ConvInteger
  ConvTranspose Cos Cosh CumSum DFT DeformConv DepthToSpace DequantizeLinear Det Div Dropout
  DynamicQuantizeLinear Einsum Elu Equal Erf Exp Expand EyeLike Flatten Floor GRU Gather GatherElements
  GatherND Gelu Gemm GlobalAveragePool GlobalLpPool GlobalMaxPool Greater GreaterOrEqual GridSample
  GroupNormalization HammingWindow HannWindow HardSigmoid HardSwish Hardmax Identity If ImageDecoder
  InstanceNormalization IsInf IsNaN LRN LSTM LayerNormalization LeakyRelu Less LessOrEqual Log LogSoftmax
  Loop LpNormalization LpPool MatMul MatMulInteger Max MaxPool MaxRoiPool MaxUnpool Mean
  MeanVarianceNormalization MelWeightMatrix Min Mish Mod Mul Multinomial Neg NegativeLogLikelihoodLoss
  NonMaxSuppression NonZero Not OneHot Optional OptionalGetElement OptionalHasElement Or PRelu Pad Pow
  QLinearConv QLinearMatMul QuantizeLinear RNN RandomNormal RandomNormalLike RandomUniform RandomUniformLike
  Range Reciprocal ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd
  ReduceSum ReduceSumSquare RegexFullMatch Relu Reshape Resize ReverseSequence RoiAlign Round STFT Scan
  Scatter ScatterElements ScatterND Selu SequenceAt SequenceConstruct SequenceEmpty SequenceErase
  SequenceInsert SequenceLength SequenceMap Shape Shrink Sigmoid Sign Sin Sinh Size Slice Softmax
  SoftmaxCrossEntropyLoss Softplus Softsign SpaceToDepth Split SplitToSequence Sqrt Squeeze StringConcat
  StringNormalizer StringSplit Sub Sum Tan Tanh TfIdfVectorizer ThresholdedRelu Tile TopK Transpose Trilu
  Unique Unsqueeze Upsample Where Xor`.split(/\s+/),
);

/** ai.onnx.ml: the classic-ML operators (scikit-learn and XGBoost exports). */
export const AI_ONNX_ML_OPS: ReadonlySet<string> = new Set(
  `ArrayFeatureExtractor Binarizer CastMap CategoryMapper DictVectorizer FeatureVectorizer Imputer
  LabelEncoder LinearClassifier LinearRegressor Normalizer OneHotEncoder SVMClassifier SVMRegressor Scaler
  TreeEnsemble TreeEnsembleClassifier TreeEnsembleRegressor ZipMap`.split(/\s+/),
);

/**
 * com.microsoft: what our quantizers write (MatMulNBits) and the contrib ops onnxruntime's own
 * quantization and graph optimizers write into saved models.
 */
export const COM_MICROSOFT_OPS: ReadonlySet<string> = new Set(
  `MatMulNBits DynamicQuantizeMatMul MatMulIntegerToFloat DynamicQuantizeLSTM QLinearAdd QLinearMul
  QLinearConcat QLinearSigmoid QLinearLeakyRelu QLinearSoftmax QLinearAveragePool QLinearGlobalAveragePool
  QAttention QGemm QuantizeLinear DequantizeLinear FusedConv FusedGemm FusedMatMul Gelu FastGelu BiasGelu
  QuickGelu SkipLayerNormalization SimplifiedLayerNormalization SkipSimplifiedLayerNormalization
  EmbedLayerNormalization Attention MultiHeadAttention GroupQueryAttention RotaryEmbedding NhwcConv
  NhwcMaxPool`.split(/\s+/),
);

export const KNOWN_OPS_BY_DOMAIN: Readonly<Record<string, ReadonlySet<string>>> = {
  '': AI_ONNX_OPS,
  'ai.onnx': AI_ONNX_OPS,
  'ai.onnx.ml': AI_ONNX_ML_OPS,
  'com.microsoft': COM_MICROSOFT_OPS,
};
