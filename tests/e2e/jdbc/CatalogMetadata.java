// pgJDBC against Oxbow's pgwire: DatabaseMetaData (getTables, getSchemas, getColumns) over the virtual
// pg_catalog, then a query with a parameter. Prints one line per fact;
// pgwire_catalog_test.sh compares the output with what PostgreSQL gives for the same objects.
//
// Usage: java -cp postgresql.jar:. CatalogMetadata JDBC_URL
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

public class CatalogMetadata {
  public static void main(String[] args) throws Exception {
    try (Connection c = DriverManager.getConnection(args[0], "jdbc", "")) {
      DatabaseMetaData md = c.getMetaData();
      System.out.println("product " + md.getDatabaseProductName());
      String[] types = {"TABLE", "VIEW", "MATERIALIZED VIEW"};
      try (ResultSet rs = md.getTables(null, "public", "%", types)) {
        while (rs.next()) {
          System.out.println("table " + rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME")
              + " " + rs.getString("TABLE_TYPE"));
        }
      }
      try (ResultSet rs = md.getSchemas()) {
        while (rs.next()) System.out.println("schema " + rs.getString("TABLE_SCHEM"));
      }
      try (ResultSet rs = md.getColumns(null, "public", "users", "%")) {
        while (rs.next()) {
          System.out.println("column " + rs.getString("COLUMN_NAME") + " " + rs.getInt("DATA_TYPE")
              + " " + rs.getString("TYPE_NAME") + " " + rs.getInt("COLUMN_SIZE") + " "
              + rs.getString("IS_NULLABLE") + " " + rs.getInt("ORDINAL_POSITION"));
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT id, name FROM users WHERE id >= ? ORDER BY id")) {
        ps.setInt(1, 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) System.out.println("row " + rs.getInt(1) + " " + rs.getString(2));
        }
      }
    }
  }
}
