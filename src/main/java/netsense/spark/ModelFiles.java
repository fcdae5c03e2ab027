package netsense.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import netsense.core.Activation;
import netsense.core.InvalidModelException;
import netsense.core.Network;
import netsense.io.InvalidSetupException;
import netsense.io.ModelReader;
import netsense.io.Models;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code --model} wherever it is read: a file (JSON or ONNX, by content; ONNX external data
 * from files beside it) or a Spark ML folder, on any Hadoop file system.
 */
public final class ModelFiles {
    static final String MLP = "org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel";

    private ModelFiles() {}

    /**
     * Reads a model; every fault is an {@link InvalidSetupException} naming the model.
     *
     * @param spark the session for a Spark ML folder (asked only for one)
     */
    public static Models.Loaded load(Configuration hadoop, String model, Supplier<SparkSession> spark)
            throws IOException {
        Path path = new Path(model);
        FileSystem fs = path.getFileSystem(hadoop);
        FileStatus status;
        try {
            status = fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            throw new InvalidSetupException("model file " + model + " does not exist");
        }
        try {
            if (status.isDirectory()) {
                if (!fs.exists(new Path(path, "metadata"))) {
                    throw new InvalidSetupException("model " + model + " is a folder but not a Spark ML model (no "
                            + "metadata/ inside); give a model file (JSON or ONNX) or a folder saved by "
                            + "MultilayerPerceptronClassificationModel.save");
                }
                return new Models.Loaded(readSparkMl(spark.get(), model), Models.Format.SPARK_ML);
            }
            ModelReader.checkSize(status.getLen());
            byte[] bytes = new byte[Math.toIntExact(status.getLen())];
            try (FSDataInputStream in = fs.open(path)) {
                in.readFully(0, bytes);
            }
            Path folder = path.getParent();
            return Models.read(bytes, (location, offset, length) -> {
                Path file = new Path(folder, location);
                long size = fs.getFileStatus(file).getLen();
                long n = length >= 0 ? length : size - offset;
                if (offset < 0 || n < 0 || offset + n > size) {
                    throw new InvalidModelException("the external data file " + location + " has " + size
                            + " bytes; the model asks for " + n + " from offset " + offset + " (a truncated file?)");
                }
                byte[] b = new byte[Math.toIntExact(n)];
                try (FSDataInputStream in = fs.open(file)) {
                    in.readFully(offset, b);
                }
                return b;
            });
        } catch (InvalidModelException e) {
            throw new InvalidSetupException("model " + model + ": " + e.getMessage(), e);
        }
    }

    /**
     * A folder saved by {@code MultilayerPerceptronClassificationModel.save}: its metadata names
     * the class; its data (Parquet, read by Spark) holds the layer sizes and one flat weights
     * vector in MLlib's layout (ml/ann/Layer.scala: per layer, W of n_out × n_in column-major,
     * then the bias). Hidden layers are sigmoid, the output softmax.
     */
    static Network readSparkMl(SparkSession spark, String model) {
        String metadata = spark.read().text(model + "/metadata").first().getString(0);
        JsonNode meta;
        try {
            meta = new ObjectMapper().readTree(metadata);
        } catch (IOException e) {
            throw new InvalidModelException("its metadata is not JSON: " + e.getMessage(), e);
        }
        String cls = meta.path("class").asText("");
        if (!cls.equals(MLP)) {
            throw new InvalidModelException("the folder holds a Spark ML " + (cls.isEmpty() ? "model of no class" : cls)
                    + "; netsense reads " + MLP + " (a MultilayerPerceptronClassifier's model) of the Spark ML models");
        }
        Row data = spark.read().parquet(model + "/data").first();
        // the layer sizes: in the data (Spark 2.x-3.x) or, as Spark 4 saves them, only in the params
        List<Integer> sizes = new ArrayList<>();
        if (java.util.Arrays.asList(data.schema().fieldNames()).contains("layers")) {
            sizes.addAll(data.getList(data.fieldIndex("layers")));
        } else {
            for (JsonNode n : meta.path("paramMap").path("layers")) {
                sizes.add(n.asInt());
            }
        }
        double[] flat = ((Vector) data.get(data.fieldIndex("weights"))).toArray();
        long expected = 0;
        for (int l = 1; l < sizes.size(); l++) {
            expected += (long) sizes.get(l) * sizes.get(l - 1) + sizes.get(l);
        }
        if (sizes.size() < 2 || expected != flat.length) {
            throw new InvalidModelException("layers " + sizes + " need " + expected + " weights, the model has "
                    + flat.length);
        }
        List<Network.Layer> layers = new ArrayList<>();
        int off = 0;
        for (int l = 1; l < sizes.size(); l++) {
            int in = sizes.get(l - 1);
            int out = sizes.get(l);
            double[][] w = new double[out][in];
            for (int j = 0; j < in; j++) {
                for (int i = 0; i < out; i++) {
                    w[i][j] = flat[off + j * out + i]; // column-major
                }
            }
            off += in * out;
            double[] b = java.util.Arrays.copyOfRange(flat, off, off + out);
            off += out;
            layers.add(new Network.Layer(w, b, l == sizes.size() - 1 ? Activation.SOFTMAX : Activation.SIGMOID));
        }
        return Network.of(layers);
    }
}
