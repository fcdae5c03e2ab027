package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netsense.core.Activation;
import netsense.core.Network;
import netsense.io.InvalidSetupException;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A MultilayerPerceptronClassifier trained here, saved, and its folder given to the job: the
 * output for class k is the model's own probability column, and the gradient Spark's own
 * predictProbability differenced centrally.
 */
class SparkMlModelTest extends SparkTestBase {
    static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType)
            .add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType);

    Dataset<Row> data() {
        Random rnd = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < 90; i++) {
            double[] x = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
            double label = x[0] + 0.5 * x[1] > 0.5 ? 2 : x[2] > 0 ? 1 : 0;
            rows.add(RowFactory.create(i, Vectors.dense(x), label));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    @Test
    void theJobOnASavedMultilayerPerceptronGivesItsProbabilitiesAndTheirGradients() throws Exception {
        Dataset<Row> data = data();
        MultilayerPerceptronClassificationModel mlp = new MultilayerPerceptronClassifier()
                .setLayers(new int[] {3, 5, 4, 3}).setSeed(1).setMaxIter(60).fit(data);
        String folder = tmp.resolve("mlp").toString();
        mlp.save(folder);
        Network net = ModelFiles.readSparkMl(spark, folder);
        assertEquals("[3,5,4,3]", net.shape());
        assertEquals(List.of(Activation.SIGMOID, Activation.SIGMOID, Activation.SOFTMAX), List.of(net.activations()));

        Map<Long, Vector> probability = new HashMap<>();
        Map<Long, Vector> features = new HashMap<>();
        for (Row r : mlp.transform(data).select("id", "features", "probability").collectAsList()) {
            probability.put(r.getLong(0), (Vector) r.get(2));
            features.put(r.getLong(0), (Vector) r.get(1));
        }
        String input = tmp.resolve("in").toString();
        data.write().parquet(input);
        for (int k = 0; k < 3; k++) {
            String out = tmp.resolve("out" + k).toString();
            if (k < 2) {
                new GradientJob(spark, GradientJob.Options.builder(folder, input, out).outputIndex(k).build()).execute();
            } else { // and as a user runs it
                assertEquals(0, netsense.cli.Main.run("gradients", "--model", folder, "--input", input, "--output", out,
                        "--output-index", "2"));
                assertEquals(0, netsense.cli.Main.run("model", "describe", folder));
            }
            List<Row> rows = readSorted(tmp.resolve("out" + k).resolve("gradients"), "id");
            assertEquals(90, rows.size());
            for (Row r : rows) {
                long id = r.getLong(r.fieldIndex("id"));
                double p = probability.get(id).apply(k);
                double y = r.getDouble(r.fieldIndex("output"));
                assertEquals(p, y, 1e-12 * p, "class " + k + " row " + id + ": the model's probability column");
                double[] g = doubles(r, "gradient");
                double[] x = features.get(id).toArray();
                double[] fd = new double[3];
                double scale = 0;
                for (int j = 0; j < 3; j++) {
                    double h = 1e-5;
                    double[] plus = x.clone();
                    double[] minus = x.clone();
                    plus[j] += h;
                    minus[j] -= h;
                    fd[j] = (mlp.predictProbability(new DenseVector(plus)).apply(k)
                            - mlp.predictProbability(new DenseVector(minus)).apply(k)) / (plus[j] - minus[j]);
                    scale = Math.max(scale, Math.abs(fd[j]));
                }
                for (int j = 0; j < 3; j++) {
                    // + 5e-11: the differences' own rounding, ε·p/h, where a saturated class has a tiny gradient
                    assertEquals(fd[j], g[j], 1e-7 * scale + 5e-11, "class " + k + " row " + id + " d/dx" + j);
                }
            }
        }
    }

    @Test
    void anotherModelClassIsRefusedByName() throws Exception {
        String folder = tmp.resolve("lr").toString();
        new LogisticRegression().setMaxIter(5).fit(data()).save(folder);
        InvalidSetupException e = assertThrows(InvalidSetupException.class,
                () -> JobPlan.readModel(spark.sparkContext().hadoopConfiguration(), folder));
        assertEquals("model " + folder + ": the folder holds a Spark ML "
                + "org.apache.spark.ml.classification.LogisticRegressionModel; netsense reads "
                + "org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel (a "
                + "MultilayerPerceptronClassifier's model) of the Spark ML models", e.getMessage());
        java.nio.file.Files.createDirectories(tmp.resolve("plain"));
        e = assertThrows(InvalidSetupException.class,
                () -> JobPlan.readModel(spark.sparkContext().hadoopConfiguration(), tmp.resolve("plain").toString()));
        assertTrue(e.getMessage().contains("is a folder but not a Spark ML model (no metadata/ inside)"), e.getMessage());
    }
}
