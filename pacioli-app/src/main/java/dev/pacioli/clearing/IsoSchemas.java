package dev.pacioli.clearing;

import com.prowidesoftware.swift.model.mx.MxPacs00200110;
import com.prowidesoftware.swift.model.mx.MxPacs00800108;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.SchemaOutputResolver;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.Result;
import javax.xml.transform.dom.DOMResult;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The schemas ISO 20022 messages are validated against, and the one way this service reads XML.
 *
 * <p>Where the schemas come from: Prowide's pw-iso20022 ships the message models (JAXB classes generated
 * from ISO's published XSDs) but not the XSDs, and no maintained Maven artifact ships them. So the
 * schema of each message is generated from the library's own model ({@link JAXBContext#generateSchema})
 * at start: every element, its order, which are required, how many may repeat, the code lists the model
 * holds as enums, and the types of dates, times and decimals. What the model does not carry is lost:
 * the published schemas' length and pattern facets (a BIC's shape, Max35Text) and the "exactly one of"
 * of choice components. Those the mapping checks where it matters (a BIC is looked up, an amount's
 * decimals are counted). JAXB writes the message's types in no namespace; they are put in the
 * message's namespace, with elements qualified, as the published schemas have them.
 *
 * <p>Reading: {@link #parse} refuses any DOCTYPE (so no DTD, no external or internal entity, no entity
 * expansion), any XInclude, and any external schema or DTD access, with secure processing on.
 */
final class IsoSchemas {
    static final String PACS_008 = MxPacs00800108.NAMESPACE;
    static final String PACS_002 = MxPacs00200110.NAMESPACE;

    private final Schema pacs008;
    private final Schema pacs002;

    IsoSchemas() {
        this.pacs008 = schema(MxPacs00800108._classes, PACS_008);
        this.pacs002 = schema(MxPacs00200110._classes, PACS_002);
    }

    Schema pacs008() {
        return pacs008;
    }

    Schema pacs002() {
        return pacs002;
    }

    /** A message that is not well-formed, uses a DTD, or breaks its schema: where and what. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** Parses securely (no DOCTYPE, no entities, no external access). */
    static Document parse(String xml) throws Invalid {
        try {
            DocumentBuilder builder = factory().newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(new InputSource(new StringReader(xml)));
        } catch (SAXParseException e) {
            throw new Invalid("line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": " + e.getMessage());
        } catch (SAXException | IOException e) {
            throw new Invalid(e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be made secure", e);
        }
    }

    /** Validates a parsed message against a schema; the first error names its element. */
    static void validate(Schema schema, Document document) throws Invalid {
        Validator validator = schema.newValidator();
        try {
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            validator.validate(new DOMSource(document));
        } catch (SAXParseException e) {
            throw new Invalid(e.getMessage());
        } catch (SAXException | IOException e) {
            throw new Invalid(e.getMessage());
        }
    }

    private static DocumentBuilderFactory factory() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        return factory;
    }

    /**
     * The schema of one message from its model classes: JAXB's no-namespace schema of the types, given
     * the message's namespace (as target and as default, so its unprefixed type references resolve
     * there), elements qualified, and the global {@code Document} element.
     */
    private static Schema schema(Class<?>[] classes, String namespace) {
        try {
            List<DOMResult> results = new ArrayList<>();
            JAXBContext.newInstance(classes).generateSchema(new SchemaOutputResolver() {
                @Override
                public Result createOutput(String namespaceUri, String suggestedFileName) {
                    DOMResult result = new DOMResult();
                    result.setSystemId(suggestedFileName);
                    results.add(result);
                    return result;
                }
            });
            Element types = null;
            for (DOMResult result : results) {
                Element root = ((Document) result.getNode()).getDocumentElement();
                if (!root.hasAttribute("targetNamespace")) {
                    types = root;
                }
            }
            if (types == null) {
                throw new IllegalStateException("the model of " + namespace + " gave no schema of its types");
            }
            types.setAttribute("targetNamespace", namespace);
            types.setAttribute("elementFormDefault", "qualified");
            types.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns", namespace);
            Element document =
                    types.getOwnerDocument().createElementNS(XMLConstants.W3C_XML_SCHEMA_NS_URI, "xs:element");
            document.setAttribute("name", "Document");
            document.setAttribute("type", "Document");
            types.insertBefore(document, types.getFirstChild());
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return factory.newSchema(new DOMSource(types.getOwnerDocument()));
        } catch (JAXBException | IOException | SAXException e) {
            throw new IllegalStateException("could not build the schema of " + namespace + " from its model", e);
        }
    }
}
