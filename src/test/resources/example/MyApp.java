import static org.apache.spark.sql.functions.desc;

import netsense.spark.InputGradients;
import netsense.spark.Sensitivity;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Every row's gradient of a model's output, the rows that could not have one, the most sensitive inputs. */
public class MyApp {
    public static void main(String[] args) {
        String model = args[0];  // the model JSON: any path Hadoop reads (file:, hdfs:, s3a:)
        String input = args[1];  // Parquet: id, features ARRAY<DOUBLE> (or an ML vector)
        SparkSession spark = SparkSession.builder().appName("my-app").getOrCreate();

        Dataset<Row> rows = spark.read().parquet(input);
        Dataset<Row> gradients = new InputGradients()
                .setModelPath(model)
                .setFeaturesCol("features")
                .transform(rows)  // + output, gradient, grad_l1, grad_l2, grad_linf, error
                .cache();

        gradients.where("error IS NOT NULL").select("id", "error").show(false);
        Sensitivity.dimensions(gradients, "gradient")  // index, mean, mean_abs, mean_sq, std, min, max
                .orderBy(desc("mean_sq"))
                .show(false);
        spark.stop();
    }
}
